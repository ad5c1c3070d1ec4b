// Loads the manifests the way kustomization.yaml lists them: every document of every resource file
// (parsed as YAML 1.1, as kubectl does, so 0440 is octal), plus the ConfigMaps of the
// configMapGenerator. A YAML error or a duplicate key is a failure, never a skipped document.
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";

function parseFile(path, file) {
    const docs = parseAllDocuments(readFileSync(path, "utf8"), { version: "1.1", uniqueKeys: true, prettyErrors: true });
    const errors = [];
    const objects = [];
    for (const [index, doc] of docs.entries()) {
        for (const e of [...doc.errors, ...doc.warnings]) errors.push(`${file} document ${index}: ${e.message}`);
        const obj = doc.toJS();
        if (obj !== null && obj !== undefined) objects.push({ file, index, obj });
    }
    return { objects, errors };
}

/** {docs, errors} of one manifest file. */
export function loadFile(path, file) {
    const { objects, errors } = parseFile(path, file);
    return { docs: objects, errors };
}

/** {docs, errors, dashboard, kustomization} of the kustomization in dir (k8s/). */
export function loadKustomization(dir, rel = "k8s") {
    const errors = [];
    const { objects: [k], errors: kErrors } = parseFile(join(dir, "kustomization.yaml"), `${rel}/kustomization.yaml`);
    errors.push(...kErrors);
    const kustomization = k?.obj ?? {};
    const docs = [];
    for (const resource of kustomization.resources ?? []) {
        const { objects, errors: e } = parseFile(join(dir, resource), `${rel}/${resource}`);
        docs.push(...objects);
        errors.push(...e);
    }
    let dashboard;
    for (const gen of kustomization.configMapGenerator ?? []) {
        const data = {};
        for (const f of gen.files ?? []) {
            const [key, file] = f.includes("=") ? f.split("=") : [f.split("/").pop(), f];
            data[key] = readFileSync(join(dir, file), "utf8");
            if (file.endsWith(".json")) {
                try {
                    const parsed = JSON.parse(data[key]);
                    if (/dashboard/.test(file)) dashboard = parsed;
                } catch (e) {
                    errors.push(`${rel}/${file}: not valid JSON: ${e.message}`);
                }
            }
        }
        docs.push({
            file: `${rel}/kustomization.yaml (configMapGenerator)`,
            index: 0,
            generated: true,
            obj: {
                apiVersion: "v1",
                kind: "ConfigMap",
                metadata: { name: gen.name, namespace: kustomization.namespace, labels: gen.options?.labels ?? {} },
                data,
            },
        });
    }
    return { docs, errors, dashboard, kustomization };
}

/**
 * {docs, errors, dashboard} of an overlay (k8s-overlays/<name>/) as "kubectl kustomize" builds it: the
 * patched objects, in the shape the policy checks take. ConfigMaps named in `generated` (the base's
 * configMapGenerator) are marked generated; the dashboard is parsed from its ConfigMap.
 */
export function loadBuild(dir, rel, generated = []) {
    let out;
    try {
        out = execFileSync("kubectl", ["kustomize", dir], { encoding: "utf8", stdio: "pipe" });
    } catch (e) {
        return { docs: [], errors: [`kubectl kustomize ${rel} failed: ${(e.stderr || e.message).trim()}`] };
    }
    const errors = [];
    const docs = [];
    let dashboard;
    for (const [index, doc] of parseAllDocuments(out, { version: "1.1", uniqueKeys: true }).entries()) {
        for (const e of [...doc.errors, ...doc.warnings]) errors.push(`${rel} build document ${index}: ${e.message}`);
        const obj = doc.toJS();
        if (obj === null || obj === undefined) continue;
        const isGenerated = obj.kind === "ConfigMap" && generated.includes(obj.metadata?.name);
        docs.push({ file: `${rel} (kustomize build)`, index, obj, ...(isGenerated ? { generated: true } : {}) });
        if (isGenerated) {
            for (const [key, value] of Object.entries(obj.data ?? {})) {
                if (/dashboard.*\.json$/.test(key)) dashboard = JSON.parse(value);
            }
        }
    }
    return { docs, errors, dashboard };
}

/**
 * Adds to `manifests` the Secrets of the secrets kustomization in dir (k8s/secrets/), built by "kubectl kustomize"
 * from its *.example templates in a throwaway copy: the real files exist only on an operator's machine (and are
 * never read here). The Secrets are marked `template`, so the checks can tell them from a Secret that the
 * deployment's own kustomization would apply. Returns `manifests`.
 */
export function addSecretTemplates(manifests, dir, rel) {
    const work = mkdtempSync(join(tmpdir(), "tick-storm-secrets-"));
    try {
        for (const name of readdirSync(dir)) {
            if (name === "kustomization.yaml") copyFileSync(join(dir, name), join(work, name));
            if (name.endsWith(".example")) copyFileSync(join(dir, name), join(work, name.slice(0, -".example".length)));
        }
        const out = execFileSync("kubectl", ["kustomize", work], { encoding: "utf8", stdio: "pipe" });
        for (const [index, doc] of parseAllDocuments(out, { version: "1.1", uniqueKeys: true }).entries()) {
            for (const e of [...doc.errors, ...doc.warnings]) manifests.errors.push(`${rel} build document ${index}: ${e.message}`);
            const obj = doc.toJS();
            if (obj !== null && obj !== undefined) {
                // kustomize wraps long base64 values over lines, which the API server's decoder skips.
                for (const [k, v] of Object.entries(obj.data ?? {})) obj.data[k] = String(v).replace(/\s/g, "");
                manifests.docs.push({ file: `${rel} (from its *.example templates)`, index, obj, template: true });
            }
        }
    } catch (e) {
        manifests.errors.push(`kubectl kustomize ${rel} (from its *.example templates) failed: ${(e.stderr || e.message).trim()}`);
    } finally {
        rmSync(work, { recursive: true, force: true });
    }
    return manifests;
}

/**
 * Problems with where the secrets kustomization in dir reads its key material: every file of its secretGenerator
 * must have a tracked *.example template and be git-ignored (and not tracked), and no value may be a literal (it
 * would be in the tracked kustomization.yaml).
 */
export function secretSourceProblems(dir, rel) {
    const problems = [];
    const { objects: [k], errors } = parseFile(join(dir, "kustomization.yaml"), `${rel}/kustomization.yaml`);
    problems.push(...errors);
    const kustomization = k?.obj ?? {};
    if ((kustomization.resources ?? []).length) problems.push(`${rel}/kustomization.yaml: has resources; only a secretGenerator belongs here`);
    const generators = kustomization.secretGenerator ?? [];
    if (generators.length === 0) problems.push(`${rel}/kustomization.yaml: no secretGenerator`);
    const git = (...args) => execFileSync("git", ["-C", dir, ...args], { stdio: "pipe" });
    let inGit = true;
    try {
        git("rev-parse", "--is-inside-work-tree");
    } catch {
        inGit = false;
    }
    for (const g of generators) {
        if ((g.literals ?? []).length) problems.push(`${rel}: Secret ${g.name} has literals, which would be committed`);
        for (const entry of [...(g.files ?? []), ...(g.envs ?? [])]) {
            const file = entry.includes("=") ? entry.slice(entry.indexOf("=") + 1) : entry;
            if (file.includes("/")) problems.push(`${rel}: Secret ${g.name} reads ${file} outside ${rel}`);
            if (!existsSync(join(dir, `${file}.example`))) problems.push(`${rel}: ${file} has no ${file}.example template`);
            if (!inGit) continue;
            try {
                git("check-ignore", "-q", "--", file);
            } catch {
                problems.push(`${rel}/${file} is not git-ignored: real key material could be committed`);
            }
            try {
                git("ls-files", "--error-unmatch", "--", file);
                problems.push(`${rel}/${file} is tracked by git: remove it (git rm --cached) and rotate what it held`);
            } catch {
                // Not tracked: as it should be.
            }
        }
    }
    return problems;
}

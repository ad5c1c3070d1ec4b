// Loads the manifests the way kustomization.yaml lists them: every document of every resource file
// (parsed as YAML 1.1, as kubectl does, so 0440 is octal), plus the ConfigMaps of the
// configMapGenerator. A YAML error or a duplicate key is a failure, never a skipped document.
import { readFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
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

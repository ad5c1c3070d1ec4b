// Offline verification of k8s/: YAML, schemas (kubernetes-models + strict TypeScript), CRD structure,
// policy and consistency with the server, and the kustomize build. Run by .ci/k8s-check:
//   node k8s/check/check.mjs [repository root]
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { join, dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseAllDocuments } from "yaml";
import { loadKustomization, loadBuild, addSecretTemplates, secretSourceProblems, loadFile } from "./lib/manifests.mjs";
import { validateModels, typeCheck } from "./lib/schema.mjs";
import { checkPolicies, smokeTestProblems, NAMESPACE } from "./lib/policy.mjs";
import { loadContext } from "./lib/context.mjs";

const repoRoot = resolve(process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), "..", ".."));
const k8sDir = join(repoRoot, "k8s");
let failed = 0;

function report(stage, failures) {
    if (failures.length === 0) {
        console.log(`ok   ${stage}`);
        return;
    }
    failed += failures.length;
    console.log(`FAIL ${stage}: ${failures.length} problem(s)`);
    for (const f of failures) console.log(`     - ${f}`);
}

function kustomizeBuild(dir, expected) {
    let out;
    try {
        out = execFileSync("kubectl", ["kustomize", dir], { encoding: "utf8", stdio: "pipe" });
    } catch (e) {
        return { failures: [`kubectl kustomize ${dir} failed: ${(e.stderr || e.message).trim()}`], docs: [] };
    }
    const docs = parseAllDocuments(out, { version: "1.1" }).map((d, index) => ({ file: "kustomize build", index, obj: d.toJS() }));
    const failures = [];
    const key = (o) => `${o.kind}/${o.metadata?.name}`;
    const built = new Set(docs.map((d) => key(d.obj)));
    const want = new Set(expected.map((d) => key(d.obj)));
    for (const k of want) if (!built.has(k)) failures.push(`${k} is missing from the kustomize build`);
    for (const k of built) if (!want.has(k)) failures.push(`${k} is in the kustomize build but not in the checked files`);
    for (const d of docs) {
        if (d.obj.kind !== "Namespace" && d.obj.metadata?.namespace !== NAMESPACE) {
            failures.push(`${key(d.obj)} is built into namespace ${d.obj.metadata?.namespace}`);
        }
    }
    return { failures, docs };
}

// The Secrets live apart, in k8s/secrets/ (secretGenerators of git-ignored files): checked as built from their
// *.example templates, next to the objects that use them.
const secretsDir = join(k8sDir, "secrets");
report("k8s/secrets: every file git-ignored, with a tracked *.example template", secretSourceProblems(secretsDir, "k8s/secrets"));
const manifests = addSecretTemplates(loadKustomization(k8sDir), secretsDir, "k8s/secrets");
report(`parse ${manifests.docs.length} objects of k8s/kustomization.yaml and k8s/secrets/`, manifests.errors);
if (manifests.errors.length === 0) {
    const ctx = loadContext(repoRoot, manifests);
    console.log(`     server settings: ${ctx.settings.byEnv.size} env vars from ${ctx.settings.sources.join(", ")}`);
    report("schema (kubernetes-models validate)", await validateModels(manifests.docs));
    report("schema (strict TypeScript: unknown fields)", typeCheck(manifests.docs));
    const failures = checkPolicies(manifests, ctx);
    report("policy and consistency", failures);
    const build = kustomizeBuild(k8sDir, manifests.docs.filter((d) => !d.template));
    report("kubectl kustomize k8s/", build.failures);
    if (build.docs.length) report("schema of the kustomize build", await validateModels(build.docs));
    // The guide's smoke test (not in the kustomization): schema, and safe next to these manifests.
    const smoke = loadFile(join(k8sDir, "smoke-test.yaml"), "k8s/smoke-test.yaml");
    report("parse k8s/smoke-test.yaml", smoke.errors);
    if (smoke.docs.length) {
        report("schema of k8s/smoke-test.yaml", [...await validateModels(smoke.docs), ...typeCheck(smoke.docs)]);
        report("policy of k8s/smoke-test.yaml", smoke.docs.flatMap((d) => smokeTestProblems(d, manifests)));
    }
}
// Overlays (k8s-overlays/<name>/, beside k8s/ because kustomize refuses an overlay inside its base): the
// built objects pass the same schema and policy checks as the base.
const overlaysDir = join(repoRoot, "k8s-overlays");
const generated = (manifests.kustomization.configMapGenerator ?? []).map((g) => g.name);
for (const name of existsSync(overlaysDir) ? readdirSync(overlaysDir).sort() : []) {
    if (!existsSync(join(overlaysDir, name, "kustomization.yaml"))) continue;
    const rel = `k8s-overlays/${name}`;
    const overlay = addSecretTemplates(loadBuild(join(overlaysDir, name), rel, generated), secretsDir, "k8s/secrets");
    const overlaySecrets = join(overlaysDir, name, "secrets");
    if (existsSync(join(overlaySecrets, "kustomization.yaml"))) {
        report(`${rel}/secrets: every file git-ignored, with a tracked *.example template`,
            secretSourceProblems(overlaySecrets, `${rel}/secrets`));
        addSecretTemplates(overlay, overlaySecrets, `${rel}/secrets`);
    }
    report(`kubectl kustomize ${rel}: ${overlay.docs.length} objects`, overlay.errors);
    if (overlay.errors.length) continue;
    const ctx = loadContext(repoRoot, overlay);
    report(`schema of ${rel} (kubernetes-models validate)`, await validateModels(overlay.docs));
    report(`schema of ${rel} (strict TypeScript: unknown fields)`, typeCheck(overlay.docs));
    report(`policy and consistency of ${rel}`, checkPolicies(overlay, ctx));
}
if (failed) {
    console.log(`k8s check FAILED: ${failed} problem(s)`);
    process.exit(1);
}
console.log("k8s check passed");

// Offline verification of k8s/: YAML, schemas (kubernetes-models + strict TypeScript), CRD structure,
// policy and consistency with the server, and the kustomize build. Run by .ci/k8s-check:
//   node k8s/check/check.mjs [repository root]
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { join, dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseAllDocuments } from "yaml";
import { loadKustomization, loadBuild } from "./lib/manifests.mjs";
import { validateModels, typeCheck } from "./lib/schema.mjs";
import { checkPolicies, NAMESPACE } from "./lib/policy.mjs";
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

const manifests = loadKustomization(k8sDir);
report(`parse ${manifests.docs.length} objects of k8s/kustomization.yaml`, manifests.errors);
if (manifests.errors.length === 0) {
    const ctx = loadContext(repoRoot, manifests);
    console.log(`     server settings: ${ctx.settings.byEnv.size} env vars from ${ctx.settings.sources.join(", ")}`);
    report("schema (kubernetes-models validate)", await validateModels(manifests.docs));
    report("schema (strict TypeScript: unknown fields)", typeCheck(manifests.docs));
    const failures = checkPolicies(manifests, ctx);
    report("policy and consistency", failures);
    const build = kustomizeBuild(k8sDir, manifests.docs);
    report("kubectl kustomize k8s/", build.failures);
    if (build.docs.length) report("schema of the kustomize build", await validateModels(build.docs));
}
// Overlays (k8s-overlays/<name>/, beside k8s/ because kustomize refuses an overlay inside its base): the
// built objects pass the same schema and policy checks as the base.
const overlaysDir = join(repoRoot, "k8s-overlays");
const generated = (manifests.kustomization.configMapGenerator ?? []).map((g) => g.name);
for (const name of existsSync(overlaysDir) ? readdirSync(overlaysDir).sort() : []) {
    if (!existsSync(join(overlaysDir, name, "kustomization.yaml"))) continue;
    const rel = `k8s-overlays/${name}`;
    const overlay = loadBuild(join(overlaysDir, name), rel, generated);
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

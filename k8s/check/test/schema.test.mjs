// The schema stages catch what they promise: wrong types and missing required fields
// (kubernetes-models), unknown fields (strict TypeScript), YAML errors and duplicate keys.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { loadKustomization } from "../lib/manifests.mjs";
import { validateModels, typeCheck } from "../lib/schema.mjs";
import { parseReferenceConf, parseLogbackXml } from "../lib/settings.mjs";
import { metricNames } from "../lib/promql.mjs";

const HERE = dirname(fileURLToPath(import.meta.url));
const REAL = loadKustomization(join(HERE, "..", ".."));

function deployment() {
    return structuredClone(REAL.docs.find((d) => d.obj.kind === "Deployment"));
}

test("modelValidationAcceptsTheRealManifests", async () => {
    assert.deepEqual(await validateModels(REAL.docs), []);
});

test("modelValidationRejectsAWrongType", async () => {
    const d = deployment();
    d.obj.spec.template.spec.containers[0].ports[0].containerPort = "8080";
    const failures = await validateModels([d]);
    assert.equal(failures.length, 1);
    assert.match(failures[0], /containerPort must be integer/);
});

test("modelValidationRejectsAMissingRequiredField", async () => {
    const d = deployment();
    delete d.obj.spec.selector;
    assert.match((await validateModels([d]))[0], /must have required property '?selector'?/);
});

test("typeCheckRejectsAMisspelledField", () => {
    const d = deployment();
    d.obj.spec.template.spec.containers[0].imagePullPolcy = "Always";
    const work = mkdtempSync(join(HERE, "..", ".tsc-test-"));
    try {
        const failures = typeCheck([d], work);
        assert.ok(failures.some((f) => /deployment\.yaml.*imagePullPolcy/.test(f)), failures.join("\n"));
    } finally {
        rmSync(work, { recursive: true, force: true });
    }
});

test("loadingRejectsDuplicateKeysAndBadYaml", () => {
    const dir = mkdtempSync(join(tmpdir(), "k8s-check-"));
    try {
        writeFileSync(join(dir, "kustomization.yaml"), "resources:\n  - a.yaml\n  - b.yaml\n");
        writeFileSync(join(dir, "a.yaml"), "apiVersion: v1\nkind: ConfigMap\nkind: Secret\n");
        writeFileSync(join(dir, "b.yaml"), "apiVersion: v1\nkind: [ConfigMap\n");
        const { errors } = loadKustomization(dir, "t");
        assert.ok(errors.some((e) => /t\/a\.yaml.*unique/i.test(e)), errors.join("\n"));
        assert.ok(errors.some((e) => /t\/b\.yaml/.test(e)), errors.join("\n"));
    } finally {
        rmSync(dir, { recursive: true, force: true });
    }
});

test("referenceConfGivesEachEnvVarItsKeyAndDefault", () => {
    const conf = 'a {\n  # c\n  timeout = 10s\n  timeout = ${?A_TIMEOUT_MS}\n  b {\n    user = ""\n    user = ${?X_USER}\n    user = ${?Y_USER}\n  }\n}\n';
    const s = parseReferenceConf(conf, "f");
    assert.deepEqual(s.map((x) => [x.env, x.key, x.defaultValue]), [
        ["A_TIMEOUT_MS", "a.timeout", "10s"], ["X_USER", "a.b.user", '""'], ["Y_USER", "a.b.user", '""'],
    ]);
    assert.deepEqual(parseLogbackXml('<root level="${LOG_LEVEL:-INFO}"/>', "l").map((x) => x.env), ["LOG_LEVEL"]);
});

test("metricNamesSkipFunctionsLabelsAndGrouping", () => {
    assert.deepEqual(metricNames('sum by (pod, le) (rate(x_bucket{a="b(c)"}[5m])) / ignoring(resource) y > 0'), ["x_bucket", "y"]);
});

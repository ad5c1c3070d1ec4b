// Loads the manifests the way kustomization.yaml lists them: every document of every resource file
// (parsed as YAML 1.1, as kubectl does, so 0440 is octal), plus the ConfigMaps of the
// configMapGenerator. A YAML error or a duplicate key is a failure, never a skipped document.
import { readFileSync } from "node:fs";
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

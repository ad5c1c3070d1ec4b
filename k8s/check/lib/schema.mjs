// Schema checks: kubernetes-models validates types, required fields and enums (not unknown fields);
// a strict TypeScript compile of every document against the models' interfaces catches unknown
// (misspelled) fields, which the API server would silently drop.
import { mkdirSync, writeFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const HERE = dirname(dirname(fileURLToPath(import.meta.url)));

/** The module of the model of apiVersion/kind. */
export function modelModule(apiVersion, kind) {
    if (apiVersion.startsWith("monitoring.coreos.com/")) {
        return `@kubernetes-models/prometheus-operator/${apiVersion}/${kind}`;
    }
    return `kubernetes-models/${apiVersion}/${kind}`;
}

/** Validates each document with its kubernetes-models class; returns failure messages. */
export async function validateModels(docs) {
    const failures = [];
    for (const d of docs) {
        const { apiVersion, kind } = d.obj;
        const where = `${d.file} document ${d.index} ${kind}/${d.obj.metadata?.name}`;
        let Model;
        try {
            Model = (await import(modelModule(apiVersion, kind)))[kind];
        } catch (e) {
            failures.push(`${where}: no model for ${apiVersion} ${kind} (${e.message.split("\n")[0]})`);
            continue;
        }
        try {
            new Model(structuredClone(d.obj)).validate();
        } catch (e) {
            failures.push(`${where}: ${e.message}`);
        }
    }
    return failures;
}

/** Type-checks every document as a strict TypeScript literal of its model's interface. */
export function typeCheck(docs, workDir = join(HERE, ".tsc")) {
    mkdirSync(workDir, { recursive: true });
    const lines = [];
    const ranges = [];
    docs.forEach((d, i) => {
        const { apiVersion, kind } = d.obj;
        lines.push(`import type { I${kind} as T${i} } from "${modelModule(apiVersion, kind)}";`);
    });
    docs.forEach((d, i) => {
        const start = lines.length + 1;
        lines.push(`// ${d.file} document ${d.index}`);
        lines.push(...`export const d${i}: T${i} = ${JSON.stringify(d.obj, null, 2)};`.split("\n"));
        ranges.push({ start, end: lines.length, doc: d });
    });
    writeFileSync(join(workDir, "manifests.ts"), lines.join("\n") + "\n");
    writeFileSync(join(workDir, "tsconfig.json"), JSON.stringify({
        compilerOptions: {
            strict: true, noEmit: true, module: "nodenext", moduleResolution: "nodenext", target: "es2022",
            skipLibCheck: true, types: [], exactOptionalPropertyTypes: false,
        },
        files: ["manifests.ts"],
    }, null, 2));
    const tsc = join(HERE, "node_modules", "typescript", "bin", "tsc");
    try {
        execFileSync(process.execPath, [tsc, "-p", workDir, "--pretty", "false"], { encoding: "utf8", stdio: "pipe" });
        return [];
    } catch (e) {
        const out = `${e.stdout ?? ""}${e.stderr ?? ""}`.trim();
        if (!out) return [`tsc failed: ${e.message}`];
        return out.split("\n").filter((l) => l.trim()).map((l) => {
            const m = l.match(/manifests\.ts\((\d+),\d+\): (.*)$/);
            const r = m && ranges.find((x) => Number(m[1]) >= x.start && Number(m[1]) <= x.end);
            return r ? `${r.doc.file} document ${r.doc.index} ${r.doc.obj.kind}/${r.doc.obj.metadata?.name}: ${m[2]}` : l;
        });
    }
}

// What the manifests are checked against: the server's settings and its exported metric families.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { serverSettings } from "./settings.mjs";

/** Metric families of exported-metrics.txt; a "histogram" family also yields _bucket, _sum and _count. */
export function exportedMetrics(file) {
    const names = new Set();
    for (const line of readFileSync(file, "utf8").split("\n")) {
        const [name, type] = line.replace(/#.*/, "").trim().split(/\s+/);
        if (!name) continue;
        names.add(name);
        if (type === "histogram") for (const s of ["_bucket", "_sum", "_count"]) names.add(name + s);
    }
    return names;
}

export function loadContext(repoRoot, manifests) {
    return {
        settings: serverSettings(repoRoot),
        metrics: exportedMetrics(join(repoRoot, "k8s", "check", "exported-metrics.txt")),
        dashboard: manifests.dashboard,
    };
}

// The environment variables the server reads, taken at check time from the modules' reference.conf
// files (`key = ${?ENV}` lines) and from the Logback configuration (`${ENV}` / `${ENV:-default}`), so
// that the manifests are checked against the server as it is, not as it was when they were written.
import { readFileSync, readdirSync, existsSync } from "node:fs";
import { join } from "node:path";

/** One setting: its env name, HOCON key, default (as written in reference.conf) and source file. */
function setting(env, key, defaultValue, file) {
    return { env, key, defaultValue, file };
}

/** Parses one reference.conf: `key = value` followed by `key = ${?ENV}` gives ENV its default value. */
export function parseReferenceConf(text, file) {
    const settings = [];
    const path = [];
    const lastValue = new Map();
    for (const raw of text.split("\n")) {
        const line = raw.replace(/^\s+|\s+$/g, "");
        if (line === "" || line.startsWith("#") || line.startsWith("//")) continue;
        const open = line.match(/^([A-Za-z0-9._-]+)\s*\{$/);
        if (open) {
            path.push(open[1]);
            continue;
        }
        if (line === "}") {
            path.pop();
            continue;
        }
        const assign = line.match(/^([A-Za-z0-9._-]+)\s*[=:]\s*(.*)$/);
        if (!assign) continue;
        const key = [...path, assign[1]].join(".");
        const value = assign[2].replace(/\s+#.*$/, "");
        const env = value.match(/^\$\{\?([A-Za-z_][A-Za-z0-9_]*)\}$/);
        if (env) {
            settings.push(setting(env[1], key, lastValue.get(key), file));
        } else {
            lastValue.set(key, value);
        }
    }
    return settings;
}

/** Env names a Logback configuration substitutes (`${LOG_LEVEL:-INFO}`); their default is after ":-". */
export function parseLogbackXml(text, file) {
    const settings = [];
    for (const m of text.matchAll(/\$\{([A-Z][A-Z0-9_]*)(?::-([^}]*))?\}/g)) {
        settings.push(setting(m[1], "logback", m[2] === undefined ? undefined : `"${m[2]}"`, file));
    }
    return settings;
}

/** Every setting of every module under repoRoot (`<module>/src/main/resources/...`), keyed by env name. */
export function serverSettings(repoRoot) {
    const byEnv = new Map();
    const sources = [];
    for (const entry of readdirSync(repoRoot, { withFileTypes: true })) {
        if (!entry.isDirectory() || entry.name.startsWith(".")) continue;
        const resources = join(repoRoot, entry.name, "src", "main", "resources");
        if (!existsSync(resources)) continue;
        for (const name of readdirSync(resources)) {
            const file = join(entry.name, "src", "main", "resources", name);
            const text = readFileSync(join(repoRoot, file), "utf8");
            let found;
            if (name === "reference.conf") found = parseReferenceConf(text, file);
            else if (/^logback.*\.xml$/.test(name)) found = parseLogbackXml(text, file);
            else continue;
            sources.push(file);
            for (const s of found) if (!byEnv.has(s.env)) byEnv.set(s.env, s);
        }
    }
    return { byEnv, sources };
}

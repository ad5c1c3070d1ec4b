// Metric names used by a PromQL expression, without a PromQL parser: strings, label matchers,
// range selectors and grouping clauses are removed, and what remains that is not a function,
// keyword or number is a metric name.
const KEYWORDS = new Set([
    "by", "without", "on", "ignoring", "group_left", "group_right", "bool", "and", "or", "unless",
    "offset", "inf", "nan",
]);

export function metricNames(expr) {
    let rest = expr
        .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, '""')
        .replace(/\{[^}]*\}/g, " ")
        .replace(/\[[^\]]*\]/g, " ")
        .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, " ");
    const names = new Set();
    for (const m of rest.matchAll(/(?<![A-Za-z0-9_:$.])([A-Za-z_:][A-Za-z0-9_:]*)(\s*\()?/g)) {
        if (m[2] !== undefined) continue;
        if (KEYWORDS.has(m[1].toLowerCase())) continue;
        names.add(m[1]);
    }
    return [...names];
}

/** "(" and ")" balance, as a cheap guard against a truncated expression. */
export function balanced(expr) {
    let depth = 0;
    for (const c of expr.replace(/"(?:[^"\\]|\\.)*"/g, "")) {
        if (c === "(") depth++;
        if (c === ")" && --depth < 0) return false;
    }
    return depth === 0;
}

// Kubernetes resource quantities ("500m", "2Gi", "1.5") as numbers, for comparisons.
const SUFFIX = {
    m: 1e-3, "": 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18,
    Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60,
};

/** The value of a quantity in base units (cores, bytes); throws on a malformed quantity. */
export function quantity(value) {
    if (typeof value === "number") return value;
    const m = String(value).match(/^([0-9]+(?:\.[0-9]+)?)(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$/);
    if (!m) throw new Error(`not a Kubernetes quantity: "${value}"`);
    return Number(m[1]) * SUFFIX[m[2] ?? ""];
}

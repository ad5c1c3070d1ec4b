// Policy and consistency checks of the tick-storm manifests: what no schema can see (cross-object
// references, the quota against the HPA, the env names against the server) and what this project
// requires (the guide's resources, the hardening, no metrics on the load balancer).
//
// Every check is a function (manifests, context) -> list of failure messages; checkPolicies runs them
// all. Tests feed broken copies of the manifests and expect the matching check to fail.
import { quantity } from "./quantity.mjs";
import { balanced, metricNames } from "./promql.mjs";

export const NAMESPACE = "tick-storm";

/** The guide's container resources, which deployment.yaml must state exactly. */
export const GUIDE_RESOURCES = {
    limits: { cpu: "2000m", memory: "2Gi", "ephemeral-storage": "1Gi" },
    requests: { cpu: "500m", memory: "1Gi", "ephemeral-storage": "500Mi" },
};

/**
 * Room each pod leaves for one injected sidecar (a service-mesh proxy), in the LimitRange and the quota. Istio's
 * default proxy requests 100m / 128Mi and is limited to 2 CPU / 1Gi; ephemeral storage is what the LimitRange's
 * defaults give a container that states none.
 */
export const SIDECAR_ALLOWANCE = {
    limits: { cpu: "2000m", memory: "1Gi", "ephemeral-storage": "256Mi" },
    requests: { cpu: "100m", memory: "128Mi", "ephemeral-storage": "64Mi" },
};

/** Server settings that configmap.yaml deliberately leaves out, and why. */
export const NOT_IN_CONFIGMAP = {
    CREDENTIALS_FILE: "set in deployment.yaml next to the credentials Secret mount",
    TLS_CERT_FILE: "set in deployment.yaml next to the TLS Secret mount",
    TLS_KEY_FILE: "set in deployment.yaml next to the TLS Secret mount",
    AUTH_USERNAME: "a plain-text user; users live in the credentials Secret as hashes",
    AUTH_PASSWORD: "a plain-text password belongs in no manifest",
    STREAM_USER: "a plain-text user; users live in the credentials Secret as hashes",
    STREAM_PASS: "a plain-text password belongs in no manifest",
    CGROUP_ROOT: "a test fixture knob; pods read the cgroup at /",
};

/** The marker of a template's placeholder values; the server refuses a credentials line whose hash holds it. */
export const PLACEHOLDER = "PLACEHOLDER";

/** Env names that must never be given a value in a manifest. */
const PLAINTEXT_SECRETS = ["AUTH_PASSWORD", "STREAM_PASS"];

const REQUIRED_LABELS = ["app.kubernetes.io/name", "app.kubernetes.io/part-of"];
const POD_LABELS = [
    "app.kubernetes.io/name", "app.kubernetes.io/instance", "app.kubernetes.io/component",
    "app.kubernetes.io/part-of", "app.kubernetes.io/version", "app",
];
const ALLOWED_METRIC_PREFIXES = ["jvm_", "process_"];
const ALLOWED_METRICS = new Set(["up"]);
/** Alerts the issue asks for: each of these series must appear in some alert expression. */
const REQUIRED_ALERT_METRICS = {
    "heartbeat timeouts": "tick_storm_heartbeat_timeouts_total",
    "auth failures": "tick_storm_auth_failures_total",
    "slow consumers": "tick_storm_slow_consumer_disconnects_total",
    "resource breaches": "tick_storm_resource_breach_active",
    "connection refusals": "tick_storm_connections_rejected_total",
    "publish latency": "tick_storm_publish_latency_seconds_bucket",
    "instance down": "up",
};

// ---------------------------------------------------------------------------------------------
// Lookup helpers

function id(doc) {
    return `${doc.obj.kind}/${doc.obj.metadata?.name ?? "?"} (${doc.file})`;
}

function all(m, kind) {
    return m.docs.filter((d) => d.obj?.kind === kind);
}

function one(m, kind, fail) {
    const found = all(m, kind);
    if (found.length !== 1) {
        fail(`expected exactly one ${kind}, found ${found.length}`);
        return undefined;
    }
    return found[0];
}

function matches(selector, labels) {
    if (!selector || Object.keys(selector).length === 0) return false;
    const { matchLabels, matchExpressions } = selector.matchLabels || selector.matchExpressions
        ? selector : { matchLabels: selector };
    for (const [k, v] of Object.entries(matchLabels ?? {})) if (labels?.[k] !== v) return false;
    for (const e of matchExpressions ?? []) {
        const has = labels && Object.hasOwn(labels, e.key);
        const value = labels?.[e.key];
        if (e.operator === "In" && !(has && e.values.includes(value))) return false;
        if (e.operator === "NotIn" && has && e.values.includes(value)) return false;
        if (e.operator === "Exists" && !has) return false;
        if (e.operator === "DoesNotExist" && has) return false;
    }
    return true;
}

function podOf(m) {
    const d = all(m, "Deployment")[0];
    return d && { doc: d, template: d.obj.spec?.template, spec: d.obj.spec?.template?.spec };
}

function mainContainer(m) {
    return podOf(m)?.spec?.containers?.[0];
}

function envValue(m, name) {
    const c = mainContainer(m);
    const direct = c?.env?.find((e) => e.name === name);
    if (direct) return direct.value;
    for (const ref of c?.envFrom ?? []) {
        const cm = all(m, "ConfigMap").find((d) => d.obj.metadata?.name === ref.configMapRef?.name);
        if (cm && Object.hasOwn(cm.obj.data ?? {}, name)) return cm.obj.data[name];
    }
    return undefined;
}

function containerPort(container, ref) {
    return (container?.ports ?? []).find((p) => p.name === ref || p.containerPort === ref);
}

// ---------------------------------------------------------------------------------------------
// Checks

export const CHECKS = {
    labels(m, fail) {
        for (const d of m.docs) {
            for (const l of REQUIRED_LABELS) {
                if (!d.obj.metadata?.labels?.[l]) fail(`${id(d)} has no label ${l}`);
            }
            if (d.obj.kind !== "Namespace" && d.obj.metadata?.namespace !== NAMESPACE) {
                fail(`${id(d)} is in namespace "${d.obj.metadata?.namespace}", expected "${NAMESPACE}"`);
            }
        }
        const pod = podOf(m);
        if (!pod) return;
        for (const l of POD_LABELS) {
            if (!pod.template?.metadata?.labels?.[l]) fail(`${id(pod.doc)}: pod template has no label ${l}`);
        }
        if (pod.template?.metadata?.labels?.app !== "tick-storm") {
            fail(`${id(pod.doc)}: pod label app must be "tick-storm" (README's "kubectl ... -l app=tick-storm")`);
        }
        const sel = pod.doc.obj.spec?.selector?.matchLabels ?? {};
        if (Object.hasOwn(sel, "app.kubernetes.io/version")) {
            fail(`${id(pod.doc)}: selector must not use app.kubernetes.io/version (selectors are immutable)`);
        }
    },

    selectors(m, fail) {
        const pod = podOf(m);
        if (!pod) return fail("no Deployment");
        const labels = pod.template?.metadata?.labels;
        if (!matches(pod.doc.obj.spec?.selector, labels)) {
            fail(`${id(pod.doc)}: spec.selector does not match the pod template labels`);
        }
        for (const s of all(m, "Service")) {
            if (!matches(s.obj.spec?.selector, labels)) fail(`${id(s)}: selector matches no pod of the Deployment`);
        }
        for (const p of all(m, "PodDisruptionBudget")) {
            if (!matches(p.obj.spec?.selector, labels)) fail(`${id(p)}: selector matches no pod of the Deployment`);
        }
        for (const n of all(m, "NetworkPolicy")) {
            if (!matches(n.obj.spec?.podSelector, labels)) fail(`${id(n)}: podSelector matches no pod`);
        }
        const anti = pod.spec?.affinity?.podAntiAffinity;
        const terms = [
            ...(anti?.requiredDuringSchedulingIgnoredDuringExecution ?? []),
            ...(anti?.preferredDuringSchedulingIgnoredDuringExecution ?? []).map((t) => t.podAffinityTerm),
        ];
        for (const t of terms) {
            if (!matches(t?.labelSelector, labels)) {
                fail(`${id(pod.doc)}: anti-affinity term (${t?.topologyKey}) selects no pod of this Deployment`);
            }
        }
        if (!terms.some((t) => t?.topologyKey === "topology.kubernetes.io/zone")) {
            fail(`${id(pod.doc)}: no pod anti-affinity on topology.kubernetes.io/zone`);
        }
        if ((anti?.requiredDuringSchedulingIgnoredDuringExecution ?? [])
            .some((t) => t.topologyKey === "topology.kubernetes.io/zone")) {
            fail(`${id(pod.doc)}: required zone anti-affinity caps the replicas at the zone count; use preferred`);
        }
        for (const h of all(m, "HorizontalPodAutoscaler")) {
            const t = h.obj.spec?.scaleTargetRef;
            if (t?.kind !== "Deployment" || t?.name !== pod.doc.obj.metadata?.name) {
                fail(`${id(h)}: scaleTargetRef ${t?.kind}/${t?.name} is not the Deployment`);
            }
        }
        const sa = pod.spec?.serviceAccountName;
        if (!all(m, "ServiceAccount").some((d) => d.obj.metadata?.name === sa)) {
            fail(`${id(pod.doc)}: serviceAccountName "${sa}" is not a ServiceAccount of these manifests`);
        }
        for (const ref of mainContainer(m)?.envFrom ?? []) {
            if (!all(m, "ConfigMap").some((d) => d.obj.metadata?.name === ref.configMapRef?.name)) {
                fail(`${id(pod.doc)}: envFrom names ConfigMap "${ref.configMapRef?.name}", which does not exist`);
            }
        }
        for (const v of pod.spec?.volumes ?? []) {
            if (v.secret && !all(m, "Secret").some((d) => d.obj.metadata?.name === v.secret.secretName)) {
                fail(`${id(pod.doc)}: volume ${v.name} names Secret "${v.secret.secretName}", which does not exist`);
            }
        }
        for (const sm of all(m, "ServiceMonitor")) {
            const ns = sm.obj.spec?.namespaceSelector?.matchNames;
            if (ns && !ns.includes(NAMESPACE)) fail(`${id(sm)}: namespaceSelector does not include ${NAMESPACE}`);
            if (!all(m, "Service").some((s) => matches(sm.obj.spec?.selector, s.obj.metadata?.labels))) {
                fail(`${id(sm)}: selector matches no Service`);
            }
        }
    },

    ports(m, fail) {
        const pod = podOf(m);
        const c = mainContainer(m);
        if (!c) return fail("no container in the Deployment");
        const named = (ref, what) => {
            if (!containerPort(c, ref)) fail(`${id(pod.doc)}: ${what} uses port "${ref}", which the container does not declare`);
        };
        const probes = { startupProbe: "/health/startup", readinessProbe: "/health/ready", livenessProbe: "/health/live" };
        for (const [probe, path] of Object.entries(probes)) {
            const get = c[probe]?.httpGet;
            if (!get) {
                fail(`${id(pod.doc)}: no ${probe} with httpGet`);
                continue;
            }
            named(get.port, probe);
            if (typeof get.port !== "string") fail(`${id(pod.doc)}: ${probe} should use a named port, not ${get.port}`);
            if (get.path !== path) fail(`${id(pod.doc)}: ${probe} requests ${get.path}, the server serves ${path}`);
            if (containerPort(c, get.port)?.containerPort !== 9090) {
                fail(`${id(pod.doc)}: ${probe} must target the health/metrics port 9090`);
            }
        }
        for (const s of all(m, "Service")) {
            for (const p of s.obj.spec?.ports ?? []) named(p.targetPort ?? p.port, `${id(s)} port ${p.name}`);
        }
        for (const sm of all(m, "ServiceMonitor")) {
            const services = all(m, "Service").filter((s) => matches(sm.obj.spec?.selector, s.obj.metadata?.labels));
            for (const e of sm.obj.spec?.endpoints ?? []) {
                const svcPort = services.flatMap((s) => s.obj.spec?.ports ?? []).find((p) => p.name === e.port);
                if (!svcPort) fail(`${id(sm)}: endpoint port "${e.port}" is not a named port of the Services it selects`);
                else if (containerPort(c, svcPort.targetPort ?? svcPort.port)?.containerPort !== 9090) {
                    fail(`${id(sm)}: endpoint port "${e.port}" does not reach the container's metrics port 9090`);
                }
            }
        }
        for (const n of all(m, "NetworkPolicy")) {
            for (const rule of n.obj.spec?.ingress ?? []) {
                for (const p of rule.ports ?? []) named(p.port, `${id(n)} ingress`);
            }
        }
        const ann = pod.template?.metadata?.annotations ?? {};
        if (ann["prometheus.io/scrape"] !== "true") fail(`${id(pod.doc)}: annotation prometheus.io/scrape is not "true"`);
        if (Number(ann["prometheus.io/port"]) !== containerPort(c, "metrics")?.containerPort) {
            fail(`${id(pod.doc)}: annotation prometheus.io/port "${ann["prometheus.io/port"]}" is not the metrics port`);
        }
        if (ann["prometheus.io/path"] !== "/metrics") fail(`${id(pod.doc)}: annotation prometheus.io/path is not /metrics`);
        for (const [env, portName] of [["LISTEN_ADDR", "tick"], ["METRICS_ADDR", "metrics"]]) {
            const value = envValue(m, env);
            const port = Number(String(value ?? "").split(":").pop());
            if (port !== containerPort(c, portName)?.containerPort) {
                fail(`${env}="${value}" does not listen on the container's "${portName}" port`);
            }
        }
    },

    loadBalancer(m, fail) {
        const c = mainContainer(m);
        const lbs = all(m, "Service").filter((s) => ["LoadBalancer", "NodePort"].includes(s.obj.spec?.type));
        if (!lbs.some((s) => s.obj.spec?.type === "LoadBalancer")) fail("no Service of type LoadBalancer");
        for (const s of lbs) {
            for (const p of s.obj.spec?.ports ?? []) {
                const target = containerPort(c, p.targetPort ?? p.port)?.containerPort ?? p.targetPort;
                if (p.port === 9090 || target === 9090 || p.targetPort === "metrics") {
                    fail(`${id(s)} exposes the metrics/health port 9090 outside the cluster (port ${p.name ?? p.port})`);
                }
            }
        }
        if (!all(m, "Service").some((s) => s.obj.spec?.clusterIP === "None")) fail("no headless Service");
        if (!all(m, "Service").some((s) => (s.obj.spec?.type ?? "ClusterIP") === "ClusterIP"
            && s.obj.spec?.clusterIP !== "None" && (s.obj.spec?.ports ?? []).some((p) => p.port === 9090))) {
            fail("no ClusterIP Service for the metrics port 9090");
        }
    },

    /**
     * 9090 serves /metrics and the probes: only the scraper's pods may reach it. An ingress rule that covers
     * 9090 (it lists 9090 or the "metrics" port, or lists no port at all) must name its sources, and each
     * source must be a pod selection (a non-empty podSelector, with or without a namespaceSelector) or an
     * explicit address block: no rule may let anyone, or every pod of a namespace, reach the port. Kubelet
     * probes come from the node, which NetworkPolicy does not govern on the common CNIs.
     */
    metricsIngress(m, fail) {
        const pod = podOf(m);
        if (!pod) return;
        const labels = pod.template?.metadata?.labels;
        const c = mainContainer(m);
        const policies = all(m, "NetworkPolicy").filter((n) => matches(n.obj.spec?.podSelector, labels)
            && (n.obj.spec?.policyTypes ?? ["Ingress"]).includes("Ingress"));
        if (policies.length === 0) fail("no NetworkPolicy restricts ingress to the server pods");
        const coversMetrics = (rule) => (rule.ports ?? []).length === 0 || rule.ports.some((p) => p.port === 9090
            || p.port === "metrics" || containerPort(c, p.port)?.containerPort === 9090);
        const empty = (selector) => !selector || (Object.keys(selector.matchLabels ?? {}).length === 0
            && (selector.matchExpressions ?? []).length === 0);
        for (const n of policies) {
            for (const rule of n.obj.spec?.ingress ?? []) {
                if (!coversMetrics(rule)) continue;
                if ((rule.from ?? []).length === 0) {
                    fail(`${id(n)}: an ingress rule lets anyone reach the metrics/health port 9090 (no "from")`);
                    continue;
                }
                for (const peer of rule.from) {
                    if (peer.ipBlock) {
                        if (/\/0$/.test(peer.ipBlock.cidr ?? "")) {
                            fail(`${id(n)}: ipBlock ${peer.ipBlock.cidr} lets anyone reach the metrics/health port 9090`);
                        }
                    } else if (empty(peer.podSelector)) {
                        const ns = peer.namespaceSelector?.matchLabels?.["kubernetes.io/metadata.name"] ?? "a namespace";
                        fail(`${id(n)}: every pod of ${ns} can reach the metrics/health port 9090; `
                            + "select the Prometheus pods with a podSelector in the same peer");
                    }
                }
            }
        }
    },

    environment(m, fail, ctx) {
        const known = ctx.settings.byEnv;
        const where = `the server's settings (${ctx.settings.sources.join(", ") || "no reference.conf found"})`;
        const set = new Map();
        for (const cm of all(m, "ConfigMap")) {
            if (cm.generated) continue;
            for (const [k, v] of Object.entries(cm.obj.data ?? {})) {
                set.set(k, { value: v, from: id(cm) });
                if (!known.has(k)) fail(`${id(cm)}: key ${k} is not an env var the server reads (${where})`);
            }
        }
        const c = mainContainer(m);
        for (const e of c?.env ?? []) {
            set.set(e.name, { value: e.value, from: "deployment env" });
            if (!known.has(e.name)) fail(`Deployment env ${e.name} is not an env var the server reads (${where})`);
            if (e.valueFrom?.secretKeyRef) fail(`Deployment env ${e.name} reads a Secret: mount Secrets as files`);
        }
        for (const name of PLAINTEXT_SECRETS) {
            if (set.has(name)) fail(`${name} is set in ${set.get(name).from}: no password in a manifest`);
        }
        for (const [env, s] of known) {
            if (!set.has(env) && !Object.hasOwn(NOT_IN_CONFIGMAP, env)) {
                fail(`the server reads ${env} (${s.key} in ${s.file}) but configmap.yaml does not set it: `
                    + "add it with its default, or list it in NOT_IN_CONFIGMAP with the reason");
            }
        }
        for (const [env, { value, from }] of set) {
            const s = known.get(env);
            if (!s) continue;
            const problem = shapeProblem(env, s.defaultValue, value);
            if (problem) fail(`${from}: ${env}="${value}" ${problem} (default ${s.defaultValue} in ${s.file})`);
        }
    },

    files(m, fail) {
        const pod = podOf(m);
        const c = mainContainer(m);
        if (!c) return;
        const mounts = c.volumeMounts ?? [];
        const volume = (name) => (pod.spec?.volumes ?? []).find((v) => v.name === name);
        const secretFile = (env, secretKey) => {
            const path = envValue(m, env);
            const mount = mounts.find((vm) => path?.startsWith(vm.mountPath.replace(/\/?$/, "/")));
            const v = mount && volume(mount.name);
            if (!v?.secret) return fail(`${env}="${path}" is not a file of a mounted Secret`);
            if (mount.subPath) fail(`${env}: the Secret is mounted with subPath, so a rotated Secret never reaches the pod`);
            const file = path.slice(mount.mountPath.replace(/\/?$/, "/").length);
            const item = (v.secret.items ?? []).find((i) => i.path === file);
            const key = item ? item.key : file;
            if (secretKey && key !== secretKey) fail(`${env} reads key "${key}", expected "${secretKey}"`);
            const secret = all(m, "Secret").find((d) => d.obj.metadata?.name === v.secret.secretName);
            const keys = Object.keys({ ...(secret?.obj.data ?? {}), ...(secret?.obj.stringData ?? {}) });
            if (secret && !keys.includes(key)) fail(`${env}: Secret ${v.secret.secretName} has no key "${key}"`);
            if (mount.readOnly !== true) fail(`${env}: the Secret mount ${mount.mountPath} is not readOnly`);
        };
        secretFile("CREDENTIALS_FILE");
        secretFile("TLS_CERT_FILE", "tls.crt");
        secretFile("TLS_KEY_FILE", "tls.key");
        if (envValue(m, "KAFKA_PROPERTIES_FILE")) secretFile("KAFKA_PROPERTIES_FILE");
        const tmp = mounts.find((vm) => vm.mountPath === "/tmp");
        if (!tmp || !volume(tmp.name)?.emptyDir) fail(`${id(pod.doc)}: /tmp is not an emptyDir mount`);
    },

    kafka(m, fail) {
        if (envValue(m, "FEED_SOURCE") !== "kafka") return;
        const brokers = String(envValue(m, "KAFKA_BOOTSTRAP_SERVERS") ?? "").split(",").map((b) => b.trim())
            .filter((b) => b);
        if (brokers.length === 0) return fail("FEED_SOURCE=kafka but KAFKA_BOOTSTRAP_SERVERS is empty");
        const egress = all(m, "NetworkPolicy")
            .filter((n) => (n.obj.spec?.policyTypes ?? []).includes("Egress"))
            .flatMap((n) => n.obj.spec?.egress ?? []);
        const allows = (port, protocol) => egress.some((rule) => (rule.ports ?? [])
            .some((p) => p.port === port && (p.protocol ?? "TCP") === protocol));
        for (const broker of brokers) {
            const port = Number(broker.split(":").pop());
            if (!Number.isInteger(port) || !broker.includes(":")) {
                fail(`KAFKA_BOOTSTRAP_SERVERS: "${broker}" is not host:port`);
            } else if (!allows(port, "TCP")) {
                fail(`no NetworkPolicy egress rule lets the pods reach the broker ${broker} (TCP ${port})`);
            }
        }
        const byName = brokers.some((b) => !/^(\d+\.){3}\d+:\d+$/.test(b) && !b.startsWith("["));
        if (byName && !allows(53, "UDP")) fail("the brokers are host names but no NetworkPolicy egress rule allows DNS (UDP 53)");
        const startup = mainContainer(m)?.startupProbe;
        const seconds = (startup?.periodSeconds ?? 10) * (startup?.failureThreshold ?? 3);
        if (seconds < 300) {
            fail(`startupProbe allows ${seconds} s: the history is rebuilt from the log before the port opens, and `
                + "startup waits while the brokers are unreachable; allow at least 300 s");
        }
    },

    secrets(m, fail) {
        for (const s of all(m, "Secret")) {
            if (!s.template) {
                fail(`${id(s)}: a Secret in the deployment's kustomization: "kubectl apply -k" would overwrite the `
                    + "operator's; make it in a secrets kustomization of git-ignored files (k8s/secrets/)");
            }
            const entries = { ...(s.obj.stringData ?? {}) };
            for (const [k, v] of Object.entries(s.obj.data ?? {})) entries[k] = Buffer.from(v, "base64").toString("utf8");
            for (const [k, v] of Object.entries(entries)) {
                if (/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(v)) fail(`${id(s)}: key ${k} holds a real PEM private key`);
                // A template must hold something the server (or the Kafka client) refuses, never a usable value.
                const live = v.split("\n").filter((l) => l.trim() !== "" && !l.trim().startsWith("#"));
                if (s.template && !live.some((l) => l.includes(PLACEHOLDER))) {
                    fail(`${id(s)}: the template of ${k} has no ${PLACEHOLDER}, so it could be deployed as it is`);
                }
            }
            if (s.obj.type === "kubernetes.io/tls") {
                for (const k of ["tls.crt", "tls.key"]) if (!Object.hasOwn(entries, k)) fail(`${id(s)}: no ${k}`);
            }
        }
        const tls = all(m, "Secret").filter((s) => s.obj.type === "kubernetes.io/tls");
        if (tls.length !== 1) fail(`expected one kubernetes.io/tls Secret, found ${tls.length}`);
        const credentialsPath = envValue(m, "CREDENTIALS_FILE") ?? "";
        const credentials = all(m, "Secret").filter((s) => s.obj.type !== "kubernetes.io/tls");
        for (const s of credentials) {
            const entries = { ...(s.obj.stringData ?? {}) };
            for (const [k, v] of Object.entries(s.obj.data ?? {})) entries[k] = Buffer.from(v, "base64").toString("utf8");
            for (const [k, v] of Object.entries(entries)) {
                if (!credentialsPath.endsWith(`/${k}`)) continue;
                const lines = v.split("\n").filter((l) => l.trim() !== "" && !l.trim().startsWith("#"));
                if (lines.length === 0) fail(`${id(s)}: the credentials file has no user`);
                for (const line of lines) {
                    // The server refuses a hash field holding the marker (CredentialsFile), at startup and on reload.
                    if (!/^[^:\s]+:\S*PLACEHOLDER\S*$/.test(line)) {
                        fail(`${id(s)}: credentials line "${line.slice(0, 40)}..." is not "username:...PLACEHOLDER...", `
                            + "which the server refuses (a template must not hold a hash anyone could log in with)");
                    }
                }
            }
        }
    },

    resources(m, fail) {
        const c = mainContainer(m);
        for (const [kind, want] of Object.entries(GUIDE_RESOURCES)) {
            const have = c?.resources?.[kind] ?? {};
            for (const [r, v] of Object.entries(want)) {
                if (have[r] === undefined || quantity(have[r]) !== quantity(v)) {
                    fail(`container resources.${kind}.${r} is ${have[r]}, the guide says ${v}`);
                }
            }
            for (const r of Object.keys(have)) if (!Object.hasOwn(want, r)) fail(`container resources.${kind}.${r} is not in the guide`);
        }
    },

    quota(m, fail) {
        const hpa = all(m, "HorizontalPodAutoscaler")[0];
        const deployment = podOf(m)?.doc;
        const quota = one(m, "ResourceQuota", fail);
        if (!hpa || !deployment || !quota) return fail("quota check needs the HPA, the Deployment and the ResourceQuota");
        const max = hpa.obj.spec?.maxReplicas;
        const rolling = deployment.obj.spec?.strategy?.rollingUpdate ?? {};
        const surge = surgePods(rolling.maxSurge ?? "25%", max);
        // Surge pods are created while the pods they replace still drain (and count) for up to
        // terminationGracePeriodSeconds, so room for both is needed.
        const pods = max + 2 * surge;
        const hard = quota.obj.spec?.hard ?? {};
        if (hard.pods === undefined || quantity(hard.pods) < pods) {
            fail(`${id(quota)}: pods ${hard.pods} < HPA maxReplicas ${max} + maxSurge ${surge} + ${surge} draining = ${pods}`);
        }
        const c = mainContainer(m);
        for (const kind of ["requests", "limits"]) {
            for (const r of ["cpu", "memory", "ephemeral-storage"]) {
                const per = c?.resources?.[kind]?.[r];
                const key = `${kind}.${r}`;
                const limit = hard[key] ?? (kind === "requests" ? hard[r] : undefined);
                if (per === undefined || limit === undefined) continue;
                const side = SIDECAR_ALLOWANCE[kind][r];
                if (quantity(limit) < pods * (quantity(per) + quantity(side))) {
                    fail(`${id(quota)}: ${key} ${limit} < ${pods} pods x (${per} + a sidecar's ${side})`);
                }
            }
        }
        if (deployment.obj.spec?.replicas !== undefined) {
            fail(`${id(deployment)}: spec.replicas is set, but the HPA owns it (each apply would reset the HPA's count)`);
        }
        if (rolling.maxUnavailable === undefined || surgePods(rolling.maxUnavailable, max) !== 0) {
            fail(`${id(deployment)}: rollingUpdate.maxUnavailable must be 0 (clients reconnect to pods that are ready)`);
        }
        for (const lr of all(m, "LimitRange")) {
            for (const l of lr.obj.spec?.limits ?? []) {
                if (l.type === "Pod" && (l.default || l.defaultRequest)) {
                    fail(`${id(lr)}: the Pod-type limit has default/defaultRequest, which the API server rejects`);
                }
                if (l.type !== "Container" && l.type !== "Pod") continue;
                for (const r of ["cpu", "memory", "ephemeral-storage"]) {
                    const lim = c?.resources?.limits?.[r];
                    const req = c?.resources?.requests?.[r];
                    const sideLim = SIDECAR_ALLOWANCE.limits[r];
                    const sideReq = SIDECAR_ALLOWANCE.requests[r];
                    if (l.max?.[r] && lim && quantity(lim) > quantity(l.max[r])) {
                        fail(`${id(lr)}: ${l.type} max ${r} ${l.max[r]} is below the container's limit ${lim}`);
                    }
                    // A Pod-type max caps the sum of the pod's containers: an injected proxy must fit beside the server.
                    if (l.type === "Pod" && l.max?.[r] && lim && quantity(l.max[r]) < quantity(lim) + quantity(sideLim)) {
                        fail(`${id(lr)}: Pod max ${r} ${l.max[r]} leaves no room for a sidecar: the container's limit `
                            + `${lim} + a sidecar's ${sideLim}`);
                    }
                    if (l.type === "Container" && l.max?.[r] && quantity(l.max[r]) < quantity(sideLim)) {
                        fail(`${id(lr)}: Container max ${r} ${l.max[r]} is below a sidecar's limit ${sideLim}`);
                    }
                    if (l.min?.[r] && req && quantity(req) < quantity(l.min[r])) {
                        fail(`${id(lr)}: ${l.type} min ${r} ${l.min[r]} is above the container's request ${req}`);
                    }
                    if (l.type === "Container" && l.min?.[r] && quantity(l.min[r]) > quantity(sideReq)) {
                        fail(`${id(lr)}: Container min ${r} ${l.min[r]} is above a sidecar's request ${sideReq}`);
                    }
                    const ratio = l.maxLimitRequestRatio?.[r];
                    const pairs = [["the container", lim, req], ["a sidecar", sideLim, sideReq],
                        ["the defaults", l.default?.[r], l.defaultRequest?.[r]]];
                    for (const [who, pl, pr] of pairs) {
                        if (ratio && pl && pr && quantity(pl) / quantity(pr) > quantity(ratio)) {
                            fail(`${id(lr)}: ${r} limit/request of ${who} ${pl}/${pr} exceeds maxLimitRequestRatio ${ratio}`);
                        }
                    }
                }
            }
        }
    },

    security(m, fail) {
        const pod = podOf(m);
        const c = mainContainer(m);
        if (!c) return;
        const podSc = pod.spec?.securityContext ?? {};
        const sc = c.securityContext ?? {};
        const eff = (k) => (sc[k] !== undefined ? sc[k] : podSc[k]);
        const want = { runAsNonRoot: true, runAsUser: 65532, runAsGroup: 65532 };
        for (const [k, v] of Object.entries(want)) if (eff(k) !== v) fail(`container ${c.name}: ${k} is ${eff(k)}, expected ${v}`);
        if (sc.allowPrivilegeEscalation !== false) fail(`container ${c.name}: allowPrivilegeEscalation is not false`);
        if (sc.readOnlyRootFilesystem !== true) fail(`container ${c.name}: readOnlyRootFilesystem is not true`);
        if (sc.privileged === true) fail(`container ${c.name}: privileged`);
        if (!(sc.capabilities?.drop ?? []).includes("ALL")) fail(`container ${c.name}: capabilities do not drop ALL`);
        if ((sc.capabilities?.add ?? []).length) fail(`container ${c.name}: capabilities add ${sc.capabilities.add}`);
        if ((sc.seccompProfile ?? podSc.seccompProfile)?.type !== "RuntimeDefault") {
            fail(`container ${c.name}: seccompProfile is not RuntimeDefault`);
        }
        if (pod.spec?.hostNetwork || pod.spec?.hostPID || pod.spec?.hostIPC) fail(`${id(pod.doc)}: uses host namespaces`);
        if (pod.spec?.automountServiceAccountToken !== false) fail(`${id(pod.doc)}: automountServiceAccountToken is not false`);
        for (const sa of all(m, "ServiceAccount")) {
            if (sa.obj.automountServiceAccountToken !== false) fail(`${id(sa)}: automountServiceAccountToken is not false`);
        }
        for (const r of [...all(m, "Role"), ...all(m, "ClusterRole")]) {
            if ((r.obj.rules ?? []).length) {
                fail(`${id(r)}: grants ${JSON.stringify(r.obj.rules)}, but the server makes no Kubernetes API call`);
            }
        }
        if (all(m, "ClusterRoleBinding").length) fail("a ClusterRoleBinding: the server needs no cluster-wide access");
        for (const rb of all(m, "RoleBinding")) {
            const subjects = rb.obj.subjects ?? [];
            if (!subjects.every((s) => s.kind === "ServiceAccount" && s.name === pod.spec?.serviceAccountName)) {
                fail(`${id(rb)}: binds subjects other than the pods' ServiceAccount`);
            }
            if (rb.obj.roleRef?.kind !== "Role") fail(`${id(rb)}: binds a ${rb.obj.roleRef?.kind}, not a namespaced Role`);
        }
        if (pod.spec?.enableServiceLinks !== false) fail(`${id(pod.doc)}: enableServiceLinks is not false`);
    },

    shutdown(m, fail) {
        const pod = podOf(m);
        const c = mainContainer(m);
        if (!c) return;
        const cmd = c.lifecycle?.preStop?.exec?.command ?? [];
        const sleep = c.lifecycle?.preStop?.sleep?.seconds
            ?? (/sleep$/.test(cmd[0] ?? "") ? Number(cmd[1]) : undefined);
        if (!(sleep > 0)) return fail(`container ${c.name}: no preStop sleep to let endpoints drain before SIGTERM`);
        const grace = Number(envValue(m, "SHUTDOWN_GRACE_MS")) / 1000;
        if (!(grace > 0)) return fail("SHUTDOWN_GRACE_MS is not set to a positive number of milliseconds");
        const period = pod.spec?.terminationGracePeriodSeconds;
        if (!(period >= sleep + grace + 5)) {
            fail(`${id(pod.doc)}: terminationGracePeriodSeconds ${period} < preStop ${sleep} s + SHUTDOWN_GRACE_MS ${grace} s + 5 s`);
        }
    },

    autoscaling(m, fail) {
        const hpa = one(m, "HorizontalPodAutoscaler", fail);
        if (!hpa) return;
        if (hpa.obj.apiVersion !== "autoscaling/v2") fail(`${id(hpa)}: apiVersion is not autoscaling/v2`);
        const target = (name) => (hpa.obj.spec?.metrics ?? [])
            .find((x) => x.type === "Resource" && x.resource?.name === name)?.resource?.target;
        for (const [name, value] of [["cpu", 70], ["memory", 80]]) {
            const t = target(name);
            if (t?.type !== "Utilization" || t?.averageUtilization !== value) {
                fail(`${id(hpa)}: ${name} target is not Utilization ${value}%`);
            }
        }
        for (const dir of ["scaleUp", "scaleDown"]) {
            if (!(hpa.obj.spec?.behavior?.[dir]?.policies ?? []).length) fail(`${id(hpa)}: no behavior.${dir} policies`);
        }
        const min = hpa.obj.spec?.minReplicas ?? 1;
        if (min < 2) fail(`${id(hpa)}: minReplicas ${min} < 2: one pod cannot keep the PDB and survive a drain`);
        const pdb = one(m, "PodDisruptionBudget", fail);
        if (pdb && pdb.obj.spec?.minAvailable !== 1) fail(`${id(pdb)}: minAvailable is not 1`);
    },

    monitoring(m, fail, ctx) {
        const allowed = (name) => ALLOWED_METRICS.has(name)
            || ALLOWED_METRIC_PREFIXES.some((p) => name.startsWith(p))
            || ctx.metrics.has(name);
        const checkExpr = (where, expr) => {
            if (typeof expr !== "string" || expr.trim() === "") return fail(`${where}: empty expression`);
            if (!balanced(expr)) fail(`${where}: unbalanced parentheses in ${expr}`);
            for (const n of metricNames(expr)) {
                if (!allowed(n)) fail(`${where}: "${n}" is not a metric the server exports (k8s/check/exported-metrics.txt)`);
            }
        };
        const used = new Set();
        const rules = all(m, "PrometheusRule");
        if (!rules.length) fail("no PrometheusRule");
        const alertNames = new Set();
        for (const pr of rules) {
            const groups = pr.obj.spec?.groups ?? [];
            if (!groups.length) fail(`${id(pr)}: no rule groups`);
            const groupNames = new Set();
            for (const g of groups) {
                if (groupNames.has(g.name)) fail(`${id(pr)}: duplicate group ${g.name}`);
                groupNames.add(g.name);
                if (!(g.rules ?? []).length) fail(`${id(pr)}: group ${g.name} has no rules`);
                for (const r of g.rules ?? []) {
                    const where = `${id(pr)} ${g.name}/${r.alert ?? r.record}`;
                    if (!!r.alert === !!r.record) fail(`${where}: a rule needs exactly one of alert and record`);
                    if (r.alert) {
                        if (alertNames.has(r.alert)) fail(`${where}: duplicate alert name`);
                        alertNames.add(r.alert);
                        if (!["critical", "warning", "info"].includes(r.labels?.severity)) {
                            fail(`${where}: labels.severity must be critical, warning or info`);
                        }
                        for (const a of ["summary", "description"]) if (!r.annotations?.[a]) fail(`${where}: no annotation ${a}`);
                    }
                    if (r.for !== undefined && !/^([0-9]+(ms|s|m|h|d|w|y))+$/.test(r.for)) fail(`${where}: "for: ${r.for}" is not a duration`);
                    checkExpr(where, r.expr);
                    for (const n of metricNames(String(r.expr ?? ""))) used.add(n);
                }
            }
        }
        for (const [what, metric] of Object.entries(REQUIRED_ALERT_METRICS)) {
            if (!used.has(metric)) fail(`no alert on ${what} (no rule uses ${metric})`);
        }
        for (const sm of all(m, "ServiceMonitor")) {
            if (!(sm.obj.spec?.endpoints ?? []).length) fail(`${id(sm)}: no endpoints`);
            for (const e of sm.obj.spec?.endpoints ?? []) {
                if (e.path !== undefined && e.path !== "/metrics") fail(`${id(sm)}: endpoint path ${e.path} is not /metrics`);
                for (const k of ["interval", "scrapeTimeout"]) {
                    if (e[k] !== undefined && !/^([0-9]+(ms|s|m|h))+$/.test(e[k])) fail(`${id(sm)}: ${k} "${e[k]}" is not a duration`);
                }
            }
        }
        if (!ctx.dashboard) return fail("no Grafana dashboard");
        const panels = (ctx.dashboard.panels ?? []).flatMap((p) => [p, ...(p.panels ?? [])]);
        const ids = new Set();
        if (!ctx.dashboard.uid || !ctx.dashboard.title) fail("grafana-dashboard.json has no uid or title");
        for (const p of panels) {
            if (ids.has(p.id)) fail(`grafana-dashboard.json: duplicate panel id ${p.id}`);
            ids.add(p.id);
            for (const t of p.targets ?? []) checkExpr(`grafana-dashboard.json panel "${p.title}"`, t.expr);
        }
    },
};

function surgePods(value, replicas) {
    if (typeof value === "number") return value;
    const pct = String(value).match(/^(\d+)%$/);
    return pct ? Math.ceil((replicas * Number(pct[1])) / 100) : Number(value);
}

/** Why `value` cannot be what the server expects for `env`, whose reference.conf default is `def`. */
export function shapeProblem(env, def, value) {
    if (typeof value !== "string") return "is not a string (ConfigMap and env values must be quoted)";
    if (def === undefined) return undefined;
    const d = def.replace(/^"(.*)"$/, "$1");
    const integer = /^-?[0-9]+$/;
    if (/^(true|false)$/.test(d)) return /^(true|false)$/.test(value) ? undefined : "is not true or false";
    if (env.endsWith("_MS")) return integer.test(value) ? undefined : "is not a whole number of milliseconds";
    if (env.endsWith("_BYTES")) {
        return /^[0-9]+(\s*[KMGT]i?B?)?$/.test(value) ? undefined : "is not a number of bytes";
    }
    if (integer.test(d)) return integer.test(value) ? undefined : "is not a whole number";
    if (/^-?[0-9]*\.[0-9]+$/.test(d)) return /^-?[0-9]*\.?[0-9]+$/.test(value) ? undefined : "is not a number";
    if (/^[0-9]+\s*(ns|us|ms|s|m|h|d)$/.test(d)) {
        return /^[0-9]+(\.[0-9]+)?\s*(ns|us|ms|s|m|h|d|seconds|minutes|hours|days)?$/.test(value)
            ? undefined : "is not a duration (e.g. 10s, 5m)";
    }
    if (/^[0-9]+\s*[KMGT]i?B$/.test(d)) return /^[0-9]+(\s*[KMGT]i?B)?$/.test(value) ? undefined : "is not a size";
    if (/^[^:]*:[0-9]+$/.test(d)) return /^[^:]*:[0-9]+$/.test(value) ? undefined : "is not host:port";
    return undefined;
}

/**
 * Runs every check. `manifests.docs` are {file, obj} for every object of the kustomization; ctx holds
 * the server's settings, the exported metric families and the parsed dashboard.
 */
export function checkPolicies(manifests, ctx) {
    const failures = [];
    for (const [name, check] of Object.entries(CHECKS)) {
        try {
            check(manifests, (msg) => failures.push(`[${name}] ${msg}`), ctx);
        } catch (e) {
            failures.push(`[${name}] check crashed: ${e.stack}`);
        }
    }
    return failures;
}

/**
 * Problems with the smoke-test Job (k8s/smoke-test.yaml), which runs in the server's namespace beside `m` (the
 * deployment's manifests): no password in the spec or the arguments, certificate verification on (no --insecure,
 * no --no-tls, a --ca-file from a mounted volume), the "restricted" Pod Security profile the namespace enforces,
 * resources within the LimitRange, and labels no Service, PodDisruptionBudget or NetworkPolicy of the server
 * selects (clients would be sent to it).
 */
export function smokeTestProblems(doc, m) {
    const problems = [];
    const fail = (msg) => problems.push(`${id(doc)}: ${msg}`);
    const spec = doc.obj.spec?.template?.spec ?? {};
    const labels = doc.obj.spec?.template?.metadata?.labels ?? {};
    const containers = spec.containers ?? [];
    if (containers.length !== 1) return [`${id(doc)}: expected one container, found ${containers.length}`];
    const c = containers[0];
    const argv = [...(c.command ?? []), ...(c.args ?? [])];
    for (const flag of ["--insecure", "--no-tls", "--password"]) {
        if (argv.some((a) => a === flag || a.startsWith(`${flag}=`))) fail(`runs the client with ${flag}`);
    }
    for (const e of c.env ?? []) {
        if (/PASS|SECRET|TOKEN|KEY/i.test(e.name) && e.value !== undefined) fail(`env ${e.name} has a value in the spec`);
    }
    const password = (c.env ?? []).find((e) => e.name === "TICK_STORM_PASSWORD");
    if (!password?.valueFrom?.secretKeyRef) fail("TICK_STORM_PASSWORD does not come from a Secret (secretKeyRef)");
    const ca = argv[argv.indexOf("--ca-file") + 1];
    if (!argv.includes("--ca-file")) {
        fail("no --ca-file: the server's certificate would be checked against the system trust store only");
    } else {
        const mount = (c.volumeMounts ?? []).find((vm) => ca?.startsWith(vm.mountPath.replace(/\/?$/, "/")));
        const volume = mount && (spec.volumes ?? []).find((v) => v.name === mount.name);
        if (!volume?.configMap && !volume?.secret) fail(`--ca-file ${ca} is not a file of a mounted ConfigMap or Secret`);
    }
    const podSc = spec.securityContext ?? {};
    const sc = c.securityContext ?? {};
    if ((sc.runAsNonRoot ?? podSc.runAsNonRoot) !== true) fail("runAsNonRoot is not true (the namespace enforces restricted)");
    if (sc.allowPrivilegeEscalation !== false) fail("allowPrivilegeEscalation is not false");
    if (!(sc.capabilities?.drop ?? []).includes("ALL")) fail("capabilities do not drop ALL");
    if ((sc.seccompProfile ?? podSc.seccompProfile)?.type !== "RuntimeDefault") fail("seccompProfile is not RuntimeDefault");
    for (const lr of all(m, "LimitRange")) {
        for (const l of (lr.obj.spec?.limits ?? []).filter((x) => x.type === "Container")) {
            for (const [r, max] of Object.entries(l.max ?? {})) {
                const lim = c.resources?.limits?.[r];
                if (lim && quantity(lim) > quantity(max)) fail(`limits.${r} ${lim} is above the LimitRange max ${max}`);
            }
            for (const [r, min] of Object.entries(l.min ?? {})) {
                const req = c.resources?.requests?.[r];
                if (req && quantity(req) < quantity(min)) fail(`requests.${r} ${req} is below the LimitRange min ${min}`);
            }
        }
    }
    for (const s of all(m, "Service")) if (matches(s.obj.spec?.selector, labels)) fail(`${id(s)} selects its pod`);
    for (const p of all(m, "PodDisruptionBudget")) if (matches(p.obj.spec?.selector, labels)) fail(`${id(p)} selects its pod`);
    for (const n of all(m, "NetworkPolicy")) if (matches(n.obj.spec?.podSelector, labels)) fail(`${id(n)} selects its pod`);
    return problems;
}

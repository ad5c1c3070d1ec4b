// Each policy check passes on the real manifests and fails, with its own message, on a copy broken
// in the way it guards against.
import { test } from "node:test";
import assert from "node:assert/strict";
import { cpSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { loadKustomization, loadBuild, addSecretTemplates, secretSourceProblems, loadFile } from "../lib/manifests.mjs";
import { checkPolicies, shapeProblem, smokeTestProblems } from "../lib/policy.mjs";
import { exportedMetrics } from "../lib/context.mjs";

const K8S = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const SECRETS = join(K8S, "secrets");
const REAL = addSecretTemplates(loadKustomization(K8S), SECRETS, "k8s/secrets");

/** Sets key of Secret name to text, as kustomize's secretGenerator writes it (base64 in data). */
function setSecret(m, name, key, text) {
    find(m, "Secret", name).data[key] = Buffer.from(text).toString("base64");
}

/** Settings as the server would declare them for exactly what the manifests set (defaults = values). */
function settingsFor(manifests) {
    const byEnv = new Map();
    const add = (env, value) => byEnv.set(env, { env, key: env.toLowerCase(), defaultValue: `"${value}"`, file: "fixture" });
    for (const d of manifests.docs) {
        if (d.obj.kind === "ConfigMap" && !d.generated) for (const [k, v] of Object.entries(d.obj.data)) add(k, v);
    }
    for (const e of find(manifests, "Deployment").spec.template.spec.containers[0].env) add(e.name, e.value);
    byEnv.get("HEARTBEAT_TIMEOUT_MS").defaultValue = "20s";
    byEnv.get("TLS_ENABLED").defaultValue = "true";
    return { byEnv, sources: ["fixture"] };
}

function context(manifests, settings = settingsFor(REAL)) {
    return { settings, metrics: exportedMetrics(join(K8S, "check", "exported-metrics.txt")), dashboard: manifests.dashboard };
}

function find(manifests, kind, name) {
    return manifests.docs.find((d) => d.obj.kind === kind && (name === undefined || d.obj.metadata.name === name)).obj;
}

function broken(change) {
    const copy = structuredClone(REAL);
    change(copy);
    return copy;
}

function container(m) {
    return find(m, "Deployment").spec.template.spec.containers[0];
}

/** The ingress rule of the NetworkPolicy that opens the metrics/health port. */
function metricsRule(m) {
    return find(m, "NetworkPolicy").spec.ingress.find((r) => (r.ports ?? []).some((p) => p.port === 9090));
}

function assertFails(manifests, pattern, settings) {
    const failures = checkPolicies(manifests, context(manifests, settings));
    assert.ok(failures.some((f) => pattern.test(f)), `expected a failure matching ${pattern}, got:\n${failures.join("\n") || "(none)"}`);
}

test("realManifestsPassEveryPolicy", () => {
    assert.deepEqual(REAL.errors, []);
    assert.deepEqual(checkPolicies(REAL, context(REAL)), []);
});

const CASES = {
    deploymentSelectorWithVersionIsRejected: [(m) => {
        find(m, "Deployment").spec.selector.matchLabels["app.kubernetes.io/version"] = "1.0.0";
    }, /selector must not use app\.kubernetes\.io\/version/],
    serviceSelectorMatchingNoPodIsRejected: [(m) => {
        find(m, "Service", "tick-storm-service").spec.selector["app.kubernetes.io/name"] = "tickstorm";
    }, /tick-storm-service.*selector matches no pod/],
    pdbSelectorMatchingNoPodIsRejected: [(m) => {
        find(m, "PodDisruptionBudget").spec.selector.matchLabels["app.kubernetes.io/component"] = "api";
    }, /PodDisruptionBudget.*matches no pod/],
    probeOnUndeclaredPortIsRejected: [(m) => { container(m).readinessProbe.httpGet.port = "health"; },
        /readinessProbe uses port "health"/],
    probeOnWrongPathIsRejected: [(m) => { container(m).livenessProbe.httpGet.path = "/healthz"; },
        /livenessProbe requests \/healthz/],
    metricsPortOnLoadBalancerIsRejected: [(m) => {
        find(m, "Service", "tick-storm-service").spec.ports.push({ name: "metrics", port: 9090, targetPort: "metrics" });
    }, /exposes the metrics\/health port 9090/],
    serviceMonitorOnUnknownPortIsRejected: [(m) => { find(m, "ServiceMonitor").spec.endpoints[0].port = "http"; },
        /endpoint port "http" is not a named port/],
    metricsIngressFromAWholeNamespaceIsRejected: [(m) => {
        delete metricsRule(m).from[0].podSelector;
    }, /every pod of monitoring can reach the metrics\/health port 9090/],
    metricsIngressFromEveryPodSelectorIsRejected: [(m) => { metricsRule(m).from[0].podSelector = {}; },
        /every pod of monitoring can reach the metrics\/health port 9090/],
    metricsIngressFromAnywhereIsRejected: [(m) => { delete metricsRule(m).from; },
        /lets anyone reach the metrics\/health port 9090 \(no "from"\)/],
    ingressRuleWithoutPortsIsRejected: [(m) => {
        delete find(m, "NetworkPolicy").spec.ingress.find((r) => r.ports.some((p) => p.port === 8080)).ports;
    }, /lets anyone reach the metrics\/health port 9090 \(no "from"\)/],
    metricsIngressFromEveryAddressIsRejected: [(m) => { metricsRule(m).from = [{ ipBlock: { cidr: "0.0.0.0/0" } }]; },
        /ipBlock 0\.0\.0\.0\/0 lets anyone reach the metrics\/health port 9090/],
    missingNetworkPolicyIsRejected: [(m) => { m.docs = m.docs.filter((d) => d.obj.kind !== "NetworkPolicy"); },
        /no NetworkPolicy restricts ingress to the server pods/],
    configMapKeyTheServerIgnoresIsRejected: [(m) => { find(m, "ConfigMap", "tick-storm-config").data.GOMAXPROCS = "2"; },
        /key GOMAXPROCS is not an env var the server reads/],
    deploymentEnvTheServerIgnoresIsRejected: [(m) => { container(m).env.push({ name: "STREAM_PASSWORD", value: "x" }); },
        /Deployment env STREAM_PASSWORD is not an env var the server reads/],
    plainTextPasswordIsRejected: [(m) => { container(m).env.push({ name: "STREAM_PASS", value: "hunter2" }); },
        /STREAM_PASS is set in deployment env/],
    secretAsEnvIsRejected: [(m) => {
        container(m).env.push({ name: "TLS_KEY_FILE", valueFrom: { secretKeyRef: { name: "x", key: "y" } } });
    }, /reads a Secret: mount Secrets as files/],
    durationWhereMillisecondsAreReadIsRejected: [(m) => {
        find(m, "ConfigMap", "tick-storm-config").data.HEARTBEAT_TIMEOUT_MS = "20s";
    }, /HEARTBEAT_TIMEOUT_MS="20s" is not a whole number of milliseconds/],
    flagThatIsNotBooleanIsRejected: [(m) => { find(m, "ConfigMap", "tick-storm-config").data.TLS_ENABLED = "yes"; },
        /TLS_ENABLED="yes" is not true or false/],
    listenAddressOffTheContainerPortIsRejected: [(m) => {
        find(m, "ConfigMap", "tick-storm-config").data.LISTEN_ADDR = "0.0.0.0:8081";
    }, /LISTEN_ADDR="0.0.0.0:8081" does not listen on the container's "tick" port/],
    quotaEqualToHpaMaximumIsRejected: [(m) => { find(m, "ResourceQuota").spec.hard.pods = "8"; },
        /pods 8 < HPA maxReplicas 8 \+ maxSurge 1 \+ 1 draining = 10/],
    quotaBelowSurgeLimitsIsRejected: [(m) => { find(m, "ResourceQuota").spec.hard["limits.memory"] = "20Gi"; },
        /limits\.memory 20Gi < 10 pods x \(2Gi \+ a sidecar's 1Gi\)/],
    hpaMaximumAboveQuotaIsRejected: [(m) => { find(m, "HorizontalPodAutoscaler").spec.maxReplicas = 10; },
        /pods 10 < HPA maxReplicas 10/],
    resourcesOtherThanTheGuidesAreRejected: [(m) => { container(m).resources.limits.memory = "3Gi"; },
        /resources\.limits\.memory is 3Gi, the guide says 2Gi/],
    limitRangePodDefaultsAreRejected: [(m) => {
        find(m, "LimitRange").spec.limits[0].default = { cpu: "1" };
    }, /Pod-type limit has default\/defaultRequest/],
    limitRangeBelowTheContainerLimitIsRejected: [(m) => {
        find(m, "LimitRange").spec.limits[1].max.memory = "1Gi";
    }, /Container max memory 1Gi is below the container's limit 2Gi/],
    writableRootFilesystemIsRejected: [(m) => { container(m).securityContext.readOnlyRootFilesystem = false; },
        /readOnlyRootFilesystem is not true/],
    missingSeccompProfileIsRejected: [(m) => {
        delete container(m).securityContext.seccompProfile;
        delete find(m, "Deployment").spec.template.spec.securityContext.seccompProfile;
    }, /seccompProfile is not RuntimeDefault/],
    rootUserIsRejected: [(m) => { container(m).securityContext.runAsUser = 0; }, /runAsUser is 0, expected 65532/],
    mountedTokenIsRejected: [(m) => { find(m, "ServiceAccount").automountServiceAccountToken = true; },
        /ServiceAccount.*automountServiceAccountToken is not false/],
    roleWithRulesIsRejected: [(m) => {
        find(m, "Role").rules = [{ apiGroups: [""], resources: ["pods"], verbs: ["list"] }];
    }, /makes no Kubernetes API call/],
    graceShorterThanTheDrainIsRejected: [(m) => {
        find(m, "Deployment").spec.template.spec.terminationGracePeriodSeconds = 15;
    }, /terminationGracePeriodSeconds 15 < preStop 10 s \+ SHUTDOWN_GRACE_MS 10 s/],
    missingPreStopIsRejected: [(m) => { delete container(m).lifecycle; }, /no preStop sleep/],
    replicasNextToAnHpaAreRejected: [(m) => { find(m, "Deployment").spec.replicas = 3; }, /spec\.replicas is set/],
    hpaOffTheGuidesTargetsIsRejected: [(m) => {
        find(m, "HorizontalPodAutoscaler").spec.metrics[0].resource.target.averageUtilization = 80;
    }, /cpu target is not Utilization 70%/],
    hpaWithoutBehaviourIsRejected: [(m) => { delete find(m, "HorizontalPodAutoscaler").spec.behavior; },
        /no behavior\.scaleUp policies/],
    requiredZoneAntiAffinityIsRejected: [(m) => {
        const anti = find(m, "Deployment").spec.template.spec.affinity.podAntiAffinity;
        anti.requiredDuringSchedulingIgnoredDuringExecution = [anti.preferredDuringSchedulingIgnoredDuringExecution[0].podAffinityTerm];
    }, /required zone anti-affinity caps the replicas/],
    credentialsOutsideASecretMountIsRejected: [(m) => {
        container(m).env.find((e) => e.name === "CREDENTIALS_FILE").value = "/etc/users";
    }, /CREDENTIALS_FILE="\/etc\/users" is not a file of a mounted Secret/],
    privateKeyInASecretIsRejected: [(m) => {
        setSecret(m, "tick-storm-tls", "tls.key", "-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----\n");
    }, /holds a real PEM private key/],
    plainTextCredentialsAreRejected: [(m) => {
        setSecret(m, "tick-storm-credentials", "users", "trader:hunter2\n");
    }, /credentials line "trader:hunter2\.\.\." is not "username:\.\.\.PLACEHOLDER\.\.\."/],
    // The issue's case: a template hash that parses, so a template deployed as it is admits a made-up user.
    templateWithAParsingHashIsRejected: [(m) => {
        setSecret(m, "tick-storm-credentials", "users", "# template\ntrader:$argon2id$v=19$m=65536,t=3,p=1$WUxINU9tYXZCODBoRnBEWA$"
            + "zqPP9BwVm5wbhjx3pp7+3Zc9hagPRb8zoITytweU6w0\n");
    }, /the template of users has no PLACEHOLDER/],
    tlsTemplateWithoutPlaceholderIsRejected: [(m) => { setSecret(m, "tick-storm-tls", "tls.crt", "not a certificate\n"); },
        /the template of tls\.crt has no PLACEHOLDER/],
    secretInTheKustomizationIsRejected: [(m) => {
        const generated = m.docs.find((d) => d.obj.kind === "Secret" && d.obj.metadata.name === "tick-storm-credentials");
        delete generated.template;
    }, /Secret\/tick-storm-credentials .*a Secret in the deployment's kustomization: "kubectl apply -k" would overwrite/],
    limitRangeWithoutRoomForASidecarIsRejected: [(m) => {
        find(m, "LimitRange").spec.limits[0].max = { cpu: "2", memory: "2Gi", "ephemeral-storage": "1Gi" };
    }, /Pod max cpu 2 leaves no room for a sidecar: the container's limit 2000m \+ a sidecar's 2000m/],
    limitRangeRatioThatRefusesAProxyIsRejected: [(m) => {
        find(m, "LimitRange").spec.limits[1].maxLimitRequestRatio = { cpu: "4" };
    }, /cpu limit\/request of a sidecar 2000m\/100m exceeds maxLimitRequestRatio 4/],
    limitRangeDefaultsBreakingTheirOwnRatioAreRejected: [(m) => {
        find(m, "LimitRange").spec.limits[1].maxLimitRequestRatio = { memory: "1.5" };
    }, /memory limit\/request of the defaults 256Mi\/128Mi exceeds maxLimitRequestRatio 1\.5/],
    quotaWithoutRoomForSidecarsIsRejected: [(m) => { find(m, "ResourceQuota").spec.hard["limits.cpu"] = "20"; },
        /limits\.cpu 20 < 10 pods x \(2000m \+ a sidecar's 2000m\)/],
    alertOnAMetricTheServerDoesNotExportIsRejected: [(m) => {
        find(m, "PrometheusRule").spec.groups[0].rules[0].expr = "tick_storm_connections_active > 0";
    }, /"tick_storm_connections_active" is not a metric the server exports/],
    missingRequiredAlertIsRejected: [(m) => {
        for (const g of find(m, "PrometheusRule").spec.groups) g.rules = g.rules.filter((r) => !/SlowConsumer/.test(r.alert));
    }, /no alert on slow consumers/],
    alertWithoutSeverityIsRejected: [(m) => { delete find(m, "PrometheusRule").spec.groups[0].rules[0].labels.severity; },
        /labels\.severity must be/],
    dashboardOnAMetricTheServerDoesNotExportIsRejected: [(m) => {
        m.dashboard.panels[0].targets[0].expr = "sum(tickstorm_up)";
    }, /grafana-dashboard\.json panel .*"tickstorm_up" is not a metric/],
};

for (const [name, [change, pattern]] of Object.entries(CASES)) {
    test(name, () => assertFails(broken(change), pattern));
}

test("settingTheServerReadsButTheManifestsLackIsRejected", () => {
    const settings = settingsFor(REAL);
    settings.byEnv.set("NEW_SETTING_MS", { env: "NEW_SETTING_MS", key: "tick-storm.new", defaultValue: "1s", file: "x" });
    assertFails(REAL, /the server reads NEW_SETTING_MS \(tick-storm\.new in x\) but configmap\.yaml does not set it/, settings);
});

test("valueShapesFollowTheDefaults", () => {
    assert.equal(shapeProblem("AUTH_BLOCK_DURATION", "5m", "10m"), undefined);
    assert.match(shapeProblem("AUTH_BLOCK_DURATION", "5m", "soon"), /not a duration/);
    assert.equal(shapeProblem("OUTBOUND_BUDGET_BYTES", "4MiB", "4194304"), undefined);
    assert.match(shapeProblem("FD_RESERVE", "128", "lots"), /whole number/);
    assert.equal(shapeProblem("RESOURCE_HIGH_WATER", "0.9", "0.85"), undefined);
    assert.match(shapeProblem("RESOURCE_HIGH_WATER", "0.9", "90%"), /not a number/);
    assert.match(shapeProblem("METRICS_ADDR", '"0.0.0.0:9090"', "9090"), /host:port/);
    assert.equal(shapeProblem("TICK_SYMBOLS", '""', "AAPL,MSFT"), undefined);
});

// The Kafka overlay (k8s-overlays/kafka/, built with kubectl kustomize) passes too, and each Kafka check
// fails on a copy broken in its way.
const KAFKA_DIR = join(K8S, "..", "k8s-overlays", "kafka");
const KAFKA = addSecretTemplates(addSecretTemplates(loadBuild(KAFKA_DIR, "k8s-overlays/kafka",
    (REAL.kustomization.configMapGenerator ?? []).map((g) => g.name)), SECRETS, "k8s/secrets"),
join(KAFKA_DIR, "secrets"), "k8s-overlays/kafka/secrets");

function brokenKafka(change) {
    const copy = structuredClone(KAFKA);
    change(copy);
    return copy;
}

test("kafkaOverlayPassesEveryPolicy", () => {
    assert.deepEqual(KAFKA.errors, []);
    assert.equal(find(KAFKA, "ConfigMap", "tick-storm-config").data.FEED_SOURCE, "kafka");
    assert.deepEqual(checkPolicies(KAFKA, context(KAFKA)), []);
});

const KAFKA_CASES = {
    kafkaWithoutBrokerEgressIsRejected: [(m) => {
        const egress = find(m, "NetworkPolicy").spec.egress;
        find(m, "NetworkPolicy").spec.egress = egress.filter((r) => !r.ports.some((p) => p.port === 9092));
    }, /no NetworkPolicy egress rule lets the pods reach the broker kafka-0\.kafka-headless\.kafka\.svc:9092/],
    kafkaWithoutDnsEgressIsRejected: [(m) => {
        const egress = find(m, "NetworkPolicy").spec.egress;
        find(m, "NetworkPolicy").spec.egress = egress.filter((r) => !r.ports.some((p) => p.port === 53));
    }, /host names but no NetworkPolicy egress rule allows DNS/],
    kafkaWithoutBootstrapServersIsRejected: [(m) => {
        find(m, "ConfigMap", "tick-storm-config").data.KAFKA_BOOTSTRAP_SERVERS = "";
    }, /FEED_SOURCE=kafka but KAFKA_BOOTSTRAP_SERVERS is empty/],
    kafkaPropertiesNotFromASecretAreRejected: [(m) => {
        find(m, "ConfigMap", "tick-storm-config").data.KAFKA_PROPERTIES_FILE = "/etc/kafka.properties";
    }, /KAFKA_PROPERTIES_FILE="\/etc\/kafka\.properties" is not a file of a mounted Secret/],
    kafkaPropertiesTemplateThatWorksAsItIsIsRejected: [(m) => {
        setSecret(m, "tick-storm-kafka", "client.properties", "# template\nsecurity.protocol=PLAINTEXT\n");
    }, /the template of client\.properties has no PLACEHOLDER/],
    kafkaSecretInTheOverlayIsRejected: [(m) => {
        delete m.docs.find((d) => d.obj.kind === "Secret" && d.obj.metadata.name === "tick-storm-kafka").template;
    }, /Secret\/tick-storm-kafka .*would overwrite/],
    kafkaWithTheBaseStartupProbeIsRejected: [(m) => {
        container(m).startupProbe.failureThreshold = 60;
    }, /startupProbe allows 120 s/],
};

for (const [name, [change, pattern]] of Object.entries(KAFKA_CASES)) {
    test(name, () => assertFails(brokenKafka(change), pattern));
}

// Where the Secrets come from: git-ignored files with tracked templates, checked in a throwaway git repository.
function secretsRepo(change) {
    const repo = mkdtempSync(join(tmpdir(), "tick-storm-secrets-test-"));
    try {
        execFileSync("git", ["init", "-q", repo]);
        cpSync(SECRETS, join(repo, "secrets"), { recursive: true, filter: (src) => !/\/(users|tls\.crt|tls\.key)$/.test(src) });
        change?.(repo);
        return secretSourceProblems(join(repo, "secrets"), "secrets");
    } finally {
        rmSync(repo, { recursive: true, force: true });
    }
}

test("secretsKustomizationReadsOnlyIgnoredFilesWithTemplates", () => {
    assert.deepEqual(secretSourceProblems(SECRETS, "k8s/secrets"), []);
    assert.deepEqual(secretsRepo(), []);
    assert.deepEqual(secretSourceProblems(join(KAFKA_DIR, "secrets"), "k8s-overlays/kafka/secrets"), []);
});

test("secretFileThatIsNotIgnoredIsRejected", () => {
    const problems = secretsRepo((repo) => unlinkSync(join(repo, "secrets", ".gitignore")));
    assert.ok(problems.some((p) => /secrets\/users is not git-ignored/.test(p)), problems.join("\n"));
});

test("secretFileThatIsTrackedIsRejected", () => {
    const problems = secretsRepo((repo) => {
        writeFileSync(join(repo, "secrets", "users"), "trader:x\n");
        execFileSync("git", ["-C", repo, "add", "-f", "secrets/users"]);
    });
    assert.ok(problems.some((p) => /secrets\/users is tracked by git/.test(p)), problems.join("\n"));
});

test("secretFileWithoutATemplateIsRejected", () => {
    const problems = secretsRepo((repo) => unlinkSync(join(repo, "secrets", "users.example")));
    assert.ok(problems.some((p) => /users has no users\.example template/.test(p)), problems.join("\n"));
});

test("secretLiteralIsRejected", () => {
    const problems = secretsRepo((repo) => writeFileSync(join(repo, "secrets", "kustomization.yaml"),
        "secretGenerator:\n  - name: x\n    literals:\n      - password=hunter2\n"));
    assert.ok(problems.some((p) => /Secret x has literals/.test(p)), problems.join("\n"));
});

// The guide's smoke-test Job: safe as written, and each of its checks fails on a copy broken its way.
const SMOKE = loadFile(join(K8S, "smoke-test.yaml"), "k8s/smoke-test.yaml");

function smokeContainer(doc) {
    return doc.obj.spec.template.spec.containers[0];
}

test("smokeTestPassesItsChecks", () => {
    assert.deepEqual(SMOKE.errors, []);
    assert.equal(SMOKE.docs.length, 1);
    assert.deepEqual(smokeTestProblems(SMOKE.docs[0], REAL), []);
});

const SMOKE_CASES = {
    smokeTestWithInsecureIsRejected: [(d) => { smokeContainer(d).args.push("--insecure"); }, /runs the client with --insecure/],
    smokeTestWithoutTlsIsRejected: [(d) => { smokeContainer(d).args.push("--no-tls"); }, /runs the client with --no-tls/],
    smokeTestWithAPasswordValueIsRejected: [(d) => {
        smokeContainer(d).env = [{ name: "TICK_STORM_PASSWORD", value: "hunter2" }];
    }, /env TICK_STORM_PASSWORD has a value in the spec/],
    smokeTestWithoutACaFileIsRejected: [(d) => {
        const args = smokeContainer(d).args;
        args.splice(args.indexOf("--ca-file"), 2);
    }, /no --ca-file/],
    smokeTestCaOutsideAMountIsRejected: [(d) => {
        const args = smokeContainer(d).args;
        args[args.indexOf("--ca-file") + 1] = "/opt/ca.crt";
    }, /--ca-file \/opt\/ca\.crt is not a file of a mounted ConfigMap or Secret/],
    smokeTestSelectedByTheServiceIsRejected: [(d) => {
        Object.assign(d.obj.spec.template.metadata.labels, find(REAL, "Service", "tick-storm-service").spec.selector);
    }, /Service\/tick-storm-service .* selects its pod/],
    smokeTestNotRestrictedIsRejected: [(d) => { delete d.obj.spec.template.spec.securityContext.seccompProfile; },
        /seccompProfile is not RuntimeDefault/],
    smokeTestAboveTheLimitRangeIsRejected: [(d) => { smokeContainer(d).resources.limits.memory = "4Gi"; },
        /limits\.memory 4Gi is above the LimitRange max 2Gi/],
};

for (const [name, [change, pattern]] of Object.entries(SMOKE_CASES)) {
    test(name, () => {
        const doc = structuredClone(SMOKE.docs[0]);
        change(doc);
        const problems = smokeTestProblems(doc, REAL);
        assert.ok(problems.some((p) => pattern.test(p)), `expected ${pattern}, got:\n${problems.join("\n") || "(none)"}`);
    });
}

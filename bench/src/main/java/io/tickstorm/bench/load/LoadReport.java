package io.tickstorm.bench.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * The merged result of a load run: workers' {@link LoadStats} summed per role, rates over the hold window, latency
 * percentiles, integrity counters, client and server resources. Renders as a text table and as JSON.
 */
final class LoadReport {

    private static final double NANOS_PER_SECOND = 1e9;
    private static final double MIB = 1024.0 * 1024.0;

    private final LoadOptions options;
    private final int workerCount;
    private final LoadStats healthy;
    private final LoadStats slow;
    private final long[] maxSettleMillis;
    private final long untilAllReadyMicros;
    private final LoadGenerator.ServerSamples server;
    private final double holdSeconds;
    private final double clientCpuHoldSeconds;
    private final double clientCpuTotalSeconds;
    private final boolean openssl;

    LoadReport(LoadOptions options, int workerCount, List<JsonNode> results, List<JsonNode> ready,
            long untilAllReadyMicros, LoadGenerator.ServerSamples server) {
        this.options = options;
        this.workerCount = workerCount;
        this.untilAllReadyMicros = untilAllReadyMicros;
        this.server = server;
        int rounds = options.reconnectRounds();
        healthy = new LoadStats(rounds);
        slow = new LoadStats(rounds);
        maxSettleMillis = new long[rounds];
        double hold = 0;
        double cpuHold = 0;
        double cpuTotal = 0;
        boolean anyOpenssl = false;
        for (JsonNode r : results) {
            healthy.add(r.get("healthy"));
            slow.add(r.get("slow"));
            hold = Math.max(hold, r.get("holdNanos").asLong() / NANOS_PER_SECOND);
            cpuHold += r.get("cpuHoldNanos").asLong() / NANOS_PER_SECOND;
            cpuTotal += r.get("cpuTotalNanos").asLong() / NANOS_PER_SECOND;
            anyOpenssl |= r.get("openssl").asBoolean();
        }
        for (JsonNode w : ready) {
            for (int i = 0; i < rounds; i++) {
                maxSettleMillis[i] = Math.max(maxSettleMillis[i], w.get(i).get("settleMillis").asLong());
            }
        }
        holdSeconds = hold;
        clientCpuHoldSeconds = cpuHold;
        clientCpuTotalSeconds = cpuTotal;
        openssl = anyOpenssl;
    }

    private LoadStats.RoundStats lastRound() {
        return healthy.rounds[healthy.rounds.length - 1];
    }

    private long subscribed() {
        int last = healthy.rounds.length - 1;
        return healthy.rounds[last].subscribed + slow.rounds[last].subscribed;
    }

    /** Slow consumers are meant to be closed; only what happened to the healthy ones and the counts matter. */
    boolean passed() {
        return subscribed() == options.connections() && healthy.gaps == 0 && healthy.duplicates == 0
                && slow.gaps == 0 && slow.duplicates == 0 && healthy.errors.isEmpty()
                && healthy.failures.isEmpty() && healthy.batches > 0 && healthy.closedByServer == 0
                && slow.errors.keySet().stream().allMatch("SLOW_CONSUMER"::equals)
                && slow.failures.keySet().stream().allMatch(k -> k.startsWith("io:"));
    }

    private double perSecond(long count) {
        return holdSeconds > 0 ? count / holdSeconds : 0;
    }

    private static double rate(LoadStats.RoundStats round, long count, long lastEpochMicros) {
        double spanSeconds = spanSeconds(round.firstStartEpochMicros, lastEpochMicros);
        return spanSeconds > 0 ? count / spanSeconds : 0;
    }

    /**
     * Seconds from {@code startMicros} to {@code endMicros} (epoch microseconds), or NaN when there is no such span:
     * nothing started ({@code Long.MAX_VALUE}, the merge's identity), nothing got there (0), or an end before the
     * start. Printed as "n/a" and written as JSON null, never as a negative duration.
     */
    static double spanSeconds(long startMicros, long endMicros) {
        if (startMicros == Long.MAX_VALUE || endMicros <= 0 || endMicros < startMicros) {
            return Double.NaN;
        }
        return (endMicros - startMicros) / 1e6;
    }

    /** A duration in seconds for the table: "n/a" for NaN (no span) or a negative value. */
    static String seconds(double value) {
        return Double.isNaN(value) || value < 0 ? "n/a" : fmt(value) + " s";
    }

    private static void putSeconds(ObjectNode node, String field, double value) {
        if (Double.isNaN(value) || value < 0) {
            node.putNull(field);
        } else {
            node.put(field, value);
        }
    }

    ObjectNode toJson(ObjectNode out) {
        ObjectNode run = out.putObject("run");
        run.put("host", options.host()).put("port", options.port()).put("tls", options.tls())
                .put("openssl", openssl).put("mode", options.mode().name())
                .put("conflateMs", options.conflateMs())
                .put("symbols", options.symbols().isEmpty() ? "all" : String.join(",", options.symbols()))
                .put("connections", options.connections()).put("slowConsumers", options.slowConsumers())
                .put("workers", workerCount).put("ioThreadsPerWorker", options.ioThreads())
                .put("sourceAddresses", options.sourceAddresses())
                .put("connectRatePerSecond", options.connectRatePerSecond())
                .put("maxPendingPerWorker", options.maxPendingConnects())
                .put("heartbeatMillis", options.heartbeatIntervalMillis())
                .put("holdSeconds", holdSeconds).put("rounds", options.reconnectRounds())
                .put("decode", options.fullDecode() ? "protobuf-java" : "wire-scan");
        ArrayNode rounds = out.putArray("connect");
        for (int i = 0; i < healthy.rounds.length; i++) {
            LoadStats.RoundStats r = new LoadStats.RoundStats();
            r.add(healthy.rounds[i]);
            r.add(slow.rounds[i]);
            ObjectNode node = rounds.addObject();
            node.put("round", i + 1).put("started", r.started).put("tcpConnected", r.tcpConnected)
                    .put("tlsDone", r.tlsDone).put("tlsResumed", r.tlsResumed).put("authenticated", r.authenticated)
                    .put("subscribed", r.subscribed).put("failed", r.failed)
                    .put("connectTlsAuthPerSecond", rate(r, r.authenticated, r.lastAuthEpochMicros))
                    .put("subscribedPerSecond", rate(r, r.subscribed, r.lastSubscribedEpochMicros));
            putSeconds(node, "untilAllSubscribedSeconds",
                    spanSeconds(r.firstStartEpochMicros, r.lastSubscribedEpochMicros));
            putSeconds(node, "slowestWorkerSettleSeconds", maxSettleMillis[i] / 1e3);
            Histograms.summarize(node.putObject("tcpConnect"), r.tcp);
            Histograms.summarize(node.putObject("tlsHandshake"), r.tls);
            Histograms.summarize(node.putObject("authAck"), r.authAck);
            Histograms.summarize(node.putObject("subscribeAck"), r.subscribeAck);
            Histograms.summarize(node.putObject("connectTlsAuth"), r.connectTlsAuth);
            Histograms.summarize(node.putObject("untilSnapshot"), r.untilSnapshot);
        }
        putSeconds(out, "untilAllWorkersReadySeconds", untilAllReadyMicros / 1e6);
        delivery(out.putObject("healthy"), healthy);
        if (options.slowConsumers() > 0) {
            delivery(out.putObject("slow"), slow);
        }
        out.putObject("client").put("cpuHoldSeconds", clientCpuHoldSeconds)
                .put("cpuHoldCores", holdSeconds > 0 ? clientCpuHoldSeconds / holdSeconds : 0)
                .put("cpuTotalSeconds", clientCpuTotalSeconds);
        if (server.present()) {
            double serverHold = (server.cpuHoldEndNanos - server.cpuHoldStartNanos) / NANOS_PER_SECOND;
            double wall = (server.holdEndNanos - server.holdStartNanos) / NANOS_PER_SECOND;
            out.putObject("server").put("pid", options.serverPid())
                    .put("rssBeforeBytes", server.rssBeforeBytes)
                    .put("rssSubscribedBytes", server.rssSubscribedBytes)
                    .put("rssPeakHoldBytes", server.rssPeakBytes)
                    .put("rssHoldEndBytes", server.rssHoldEndBytes)
                    .put("rssEndBytes", server.rssEndBytes)
                    .put("rssPerConnectionBytes", subscribed() == 0 ? 0
                            : (server.rssSubscribedBytes - server.rssBeforeBytes) / (double) subscribed())
                    .put("heapAfterFullGcBeforeBytes", server.heapBeforeBytes)
                    .put("heapAfterFullGcSubscribedBytes", server.heapSubscribedBytes)
                    .put("heapPerConnectionBytes", subscribed() == 0 || !server.fullGc() ? 0
                            : (server.heapSubscribedBytes - server.heapBeforeBytes) / (double) subscribed())
                    .put("cpuHoldSeconds", serverHold)
                    .put("cpuHoldCores", wall > 0 ? serverHold / wall : 0)
                    .put("cpuConnectPhaseSeconds", (server.cpuHoldStartNanos - server.cpuBeforeNanos)
                            / NANOS_PER_SECOND)
                    .put("cpuTotalRunSeconds", (server.cpuEndNanos - server.cpuBeforeNanos) / NANOS_PER_SECOND);
        }
        out.put("passed", passed());
        return out;
    }

    private void delivery(ObjectNode out, LoadStats s) {
        out.put("batches", s.batches).put("ticks", s.ticks).put("bytes", s.bytes)
                .put("batchesPerSecond", perSecond(s.batches)).put("ticksPerSecond", perSecond(s.ticks))
                .put("bytesPerSecond", perSecond(s.bytes)).put("snapshots", s.snapshots)
                .put("gaps", s.gaps).put("duplicates", s.duplicates).put("pongs", s.pongs)
                .put("closedByServer", s.closedByServer).put("stillOpenAtEnd", s.stillOpen);
        Histograms.summarize(out.putObject("latency"), s.latency);
        Histograms.summarize(out.putObject("latencyUncorrected"), s.latencyRaw);
        out.put("latencyCorrection", options.expectedIntervalMicros() > 0
                ? "recordValueWithExpectedInterval(" + options.expectedIntervalMicros() + " us)" : "none (REALTIME)");
        ObjectNode errors = out.putObject("errors");
        s.errors.forEach(errors::put);
        ObjectNode failures = out.putObject("failures");
        s.failures.forEach(failures::put);
    }

    String table() {
        StringBuilder t = new StringBuilder();
        row(t, "run", options.connections() + " conns (" + options.slowConsumers() + " slow), " + options.mode()
                + (options.conflateMs() > 0 ? " conflated " + options.conflateMs() + " ms" : "")
                + ", " + (options.tls() ? "TLS" + (openssl ? " openssl" : " jdk") : "plain") + ", " + workerCount
                + " workers, hold " + fmt(holdSeconds) + " s");
        for (int i = 0; i < healthy.rounds.length; i++) {
            LoadStats.RoundStats r = new LoadStats.RoundStats();
            r.add(healthy.rounds[i]);
            r.add(slow.rounds[i]);
            String p = "round " + (i + 1) + " ";
            row(t, p + "subscribed", r.subscribed + " / " + r.started + " started, " + r.failed + " failed, all in "
                    + seconds(spanSeconds(r.firstStartEpochMicros, r.lastSubscribedEpochMicros)));
            row(t, p + "connect+TLS+AUTH", fmt(rate(r, r.authenticated, r.lastAuthEpochMicros)) + " /s  "
                    + percentiles(r.connectTlsAuth));
            row(t, p + "tcp connect", percentiles(r.tcp));
            if (options.tls()) {
                row(t, p + "tls handshake", percentiles(r.tls) + "  resumed " + r.tlsResumed + "/" + r.tlsDone);
            }
            row(t, p + "AUTH->ACK", percentiles(r.authAck));
            row(t, p + "SUBSCRIBE->ACK", percentiles(r.subscribeAck));
        }
        deliveryRows(t, "", healthy);
        if (options.slowConsumers() > 0) {
            deliveryRows(t, "slow ", slow);
        }
        row(t, "client cpu", fmt(clientCpuHoldSeconds) + " s in hold (" + fmt(100 * clientCpuHoldSeconds
                / Math.max(holdSeconds, 1e-9)) + " % of a core), " + fmt(clientCpuTotalSeconds) + " s total");
        if (server.present()) {
            double serverHold = (server.cpuHoldEndNanos - server.cpuHoldStartNanos) / NANOS_PER_SECOND;
            double wall = (server.holdEndNanos - server.holdStartNanos) / NANOS_PER_SECOND;
            row(t, "server rss", fmt(server.rssBeforeBytes / MIB) + " MiB before, " + fmt(server.rssSubscribedBytes
                    / MIB) + " subscribed, " + fmt(server.rssPeakBytes / MIB) + " peak in hold");
            row(t, "server rss/conn", subscribed() == 0 ? "n/a" : fmt((server.rssSubscribedBytes
                    - server.rssBeforeBytes) / (double) subscribed() / 1024) + " KiB");
            if (server.fullGc()) {
                row(t, "server heap/conn (full GC)", subscribed() == 0 ? "n/a" : fmt((server.heapSubscribedBytes
                        - server.heapBeforeBytes) / (double) subscribed() / 1024) + " KiB  (" + fmt(
                        server.heapBeforeBytes / MIB) + " -> " + fmt(server.heapSubscribedBytes / MIB) + " MiB)");
            }
            row(t, "server cpu", fmt(serverHold) + " s in hold (" + fmt(100 * serverHold / Math.max(wall, 1e-9))
                    + " % of a core)");
        }
        row(t, "verdict", passed() ? "PASS" : "FAIL");
        return t.toString();
    }

    private void deliveryRows(StringBuilder t, String prefix, LoadStats s) {
        row(t, prefix + "delivered", fmt(perSecond(s.batches)) + " batches/s, " + fmt(perSecond(s.ticks))
                + " ticks/s, " + fmt(perSecond(s.bytes) / MIB) + " MiB/s");
        row(t, prefix + "latency" + (options.expectedIntervalMicros() > 0 ? " (CO-corr.)" : ""),
                percentiles(s.latency));
        if (options.expectedIntervalMicros() > 0) {
            row(t, prefix + "latency (raw)", percentiles(s.latencyRaw));
        }
        row(t, prefix + "integrity", "gaps " + s.gaps + ", duplicates " + s.duplicates + ", snapshots "
                + s.snapshots + ", closed by server " + s.closedByServer + ", open at end " + s.stillOpen);
        row(t, prefix + "errors (ERROR frames)", counts(s.errors));
        failureRows(t, prefix + "failures", s.failures);
    }

    private static String counts(Map<String, Long> counts) {
        return counts.isEmpty() ? "none" : counts.toString();
    }

    /** One row per failure reason, most frequent first: "N connections: reason". */
    static void failureRows(StringBuilder t, String name, Map<String, Long> failures) {
        if (failures.isEmpty()) {
            row(t, name, "none");
            return;
        }
        String label = name;
        for (Map.Entry<String, Long> f : failures.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .toList()) {
            row(t, label, String.format(Locale.ROOT, "%,d x %s", f.getValue(), f.getKey()));
            label = "";
        }
    }

    private static String percentiles(Histogram h) {
        if (h.getTotalCount() == 0) {
            return "none (n=0)";
        }
        return String.format(Locale.ROOT, "p50 %s  p99 %s  p99.9 %s  max %s ms  (n=%d)",
                fmt(h.getValueAtPercentile(50) / 1e3), fmt(h.getValueAtPercentile(99) / 1e3),
                fmt(h.getValueAtPercentile(99.9) / 1e3), fmt(h.getMaxValue() / 1e3), h.getTotalCount());
    }

    private static void row(StringBuilder t, String name, String value) {
        t.append(String.format(Locale.ROOT, "%-28s %s%n", name, value));
    }

    private static String fmt(double value) {
        return value >= 100 ? String.format(Locale.ROOT, "%,.0f", value) : String.format(Locale.ROOT, "%.3f", value);
    }
}

package io.tickstorm.bench.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/**
 * What the connections of one role (healthy or slow) on one event loop observed. Single writer: only that loop's
 * thread records; other threads read it after the loop has terminated, or through a task run on the loop. Workers
 * ship it as JSON ({@link #toJson}) and the coordinator sums them ({@link #add}).
 *
 * <p>Connect-phase metrics are kept per round ({@link RoundStats}); delivery metrics only while the hold window is
 * open ({@link #recording}), so that connecting and draining do not distort rates or latencies; sequence gaps,
 * duplicates and errors count over the whole run.
 */
final class LoadStats {

    final RoundStats[] rounds;
    /** True while the hold window is open; set by tasks run on the owning loop. */
    boolean recording;

    long batches;
    long snapshots;
    long ticks;
    long bytes;
    /** End-to-end latency per live batch, corrected for coordinated omission in the periodic modes. */
    final Histogram latency = Histograms.create();
    /** The same, as measured (no correction). */
    final Histogram latencyRaw = Histograms.create();

    long gaps;
    long duplicates;
    long pongs;
    long closedByServer;
    long stillOpen;
    /** ERROR frames received, by ErrorCode name. */
    final Map<String, Long> errors = new TreeMap<>();
    /** Local failures (connect, TLS, decode, timeouts), by kind. */
    final Map<String, Long> failures = new TreeMap<>();

    LoadStats(int roundCount) {
        rounds = new RoundStats[roundCount];
        for (int i = 0; i < roundCount; i++) {
            rounds[i] = new RoundStats();
        }
    }

    void error(String code) {
        errors.merge(code, 1L, Long::sum);
    }

    void failure(String kind) {
        failures.merge(kind, 1L, Long::sum);
    }

    ObjectNode toJson(ObjectNode out) {
        var roundArray = out.putArray("rounds");
        for (RoundStats round : rounds) {
            round.toJson(roundArray.addObject());
        }
        out.put("batches", batches).put("snapshots", snapshots).put("ticks", ticks).put("bytes", bytes);
        out.put("latency", Histograms.encode(latency)).put("latencyRaw", Histograms.encode(latencyRaw));
        out.put("gaps", gaps).put("duplicates", duplicates).put("pongs", pongs);
        out.put("closedByServer", closedByServer).put("stillOpen", stillOpen);
        ObjectNode errorNode = out.putObject("errors");
        errors.forEach(errorNode::put);
        ObjectNode failureNode = out.putObject("failures");
        failures.forEach(failureNode::put);
        return out;
    }

    /** Adds a worker's JSON (as written by {@link #toJson}) to this. */
    void add(JsonNode in) {
        for (int i = 0; i < rounds.length; i++) {
            rounds[i].add(in.get("rounds").get(i));
        }
        batches += in.get("batches").asLong();
        snapshots += in.get("snapshots").asLong();
        ticks += in.get("ticks").asLong();
        bytes += in.get("bytes").asLong();
        latency.add(Histograms.decode(in.get("latency").asText()));
        latencyRaw.add(Histograms.decode(in.get("latencyRaw").asText()));
        gaps += in.get("gaps").asLong();
        duplicates += in.get("duplicates").asLong();
        pongs += in.get("pongs").asLong();
        closedByServer += in.get("closedByServer").asLong();
        stillOpen += in.get("stillOpen").asLong();
        addCounts(errors, in.get("errors"));
        addCounts(failures, in.get("failures"));
    }

    /** Adds another loop's stats of the same worker. */
    void add(LoadStats other) {
        for (int i = 0; i < rounds.length; i++) {
            rounds[i].add(other.rounds[i]);
        }
        batches += other.batches;
        snapshots += other.snapshots;
        ticks += other.ticks;
        bytes += other.bytes;
        latency.add(other.latency);
        latencyRaw.add(other.latencyRaw);
        gaps += other.gaps;
        duplicates += other.duplicates;
        pongs += other.pongs;
        closedByServer += other.closedByServer;
        stillOpen += other.stillOpen;
        other.errors.forEach((k, v) -> errors.merge(k, v, Long::sum));
        other.failures.forEach((k, v) -> failures.merge(k, v, Long::sum));
    }

    private static void addCounts(Map<String, Long> into, JsonNode counts) {
        for (Iterator<Map.Entry<String, JsonNode>> it = counts.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            into.merge(e.getKey(), e.getValue().asLong(), Long::sum);
        }
    }

    /**
     * One round of connecting: latency of each phase from the moment the connect was issued (TCP connected, TLS
     * handshake done, AUTH ACK, SUBSCRIBE ACK, snapshot received), and the wall-clock span, for rates.
     */
    static final class RoundStats {
        long started;
        long tcpConnected;
        long tlsDone;
        /** TLS handshakes that resumed a session (OpenSSL provider only). */
        long tlsResumed;
        long authenticated;
        long subscribed;
        long failed;
        long firstStartEpochMicros = Long.MAX_VALUE;
        long lastAuthEpochMicros;
        long lastSubscribedEpochMicros;
        final Histogram tcp = Histograms.create();
        final Histogram tls = Histograms.create();
        /** AUTH sent until its ACK. */
        final Histogram authAck = Histograms.create();
        /** SUBSCRIBE sent until its ACK. */
        final Histogram subscribeAck = Histograms.create();
        /** Connect issued until AUTH ACK: TCP + TLS + AUTH. */
        final Histogram connectTlsAuth = Histograms.create();
        /** Connect issued until the snapshot batch. */
        final Histogram untilSnapshot = Histograms.create();

        void toJson(ObjectNode out) {
            out.put("started", started).put("tcpConnected", tcpConnected).put("tlsDone", tlsDone)
                    .put("tlsResumed", tlsResumed).put("authenticated", authenticated).put("subscribed", subscribed).put("failed", failed)
                    .put("firstStartEpochMicros", firstStartEpochMicros)
                    .put("lastAuthEpochMicros", lastAuthEpochMicros)
                    .put("lastSubscribedEpochMicros", lastSubscribedEpochMicros);
            out.put("tcp", Histograms.encode(tcp)).put("tls", Histograms.encode(tls))
                    .put("authAck", Histograms.encode(authAck)).put("subscribeAck", Histograms.encode(subscribeAck))
                    .put("connectTlsAuth", Histograms.encode(connectTlsAuth))
                    .put("untilSnapshot", Histograms.encode(untilSnapshot));
        }

        void add(JsonNode in) {
            started += in.get("started").asLong();
            tcpConnected += in.get("tcpConnected").asLong();
            tlsDone += in.get("tlsDone").asLong();
            tlsResumed += in.get("tlsResumed").asLong();
            authenticated += in.get("authenticated").asLong();
            subscribed += in.get("subscribed").asLong();
            failed += in.get("failed").asLong();
            firstStartEpochMicros = Math.min(firstStartEpochMicros, in.get("firstStartEpochMicros").asLong());
            lastAuthEpochMicros = Math.max(lastAuthEpochMicros, in.get("lastAuthEpochMicros").asLong());
            lastSubscribedEpochMicros = Math.max(lastSubscribedEpochMicros,
                    in.get("lastSubscribedEpochMicros").asLong());
            tcp.add(Histograms.decode(in.get("tcp").asText()));
            tls.add(Histograms.decode(in.get("tls").asText()));
            authAck.add(Histograms.decode(in.get("authAck").asText()));
            subscribeAck.add(Histograms.decode(in.get("subscribeAck").asText()));
            connectTlsAuth.add(Histograms.decode(in.get("connectTlsAuth").asText()));
            untilSnapshot.add(Histograms.decode(in.get("untilSnapshot").asText()));
        }

        void add(RoundStats o) {
            started += o.started;
            tcpConnected += o.tcpConnected;
            tlsDone += o.tlsDone;
            tlsResumed += o.tlsResumed;
            authenticated += o.authenticated;
            subscribed += o.subscribed;
            failed += o.failed;
            firstStartEpochMicros = Math.min(firstStartEpochMicros, o.firstStartEpochMicros);
            lastAuthEpochMicros = Math.max(lastAuthEpochMicros, o.lastAuthEpochMicros);
            lastSubscribedEpochMicros = Math.max(lastSubscribedEpochMicros, o.lastSubscribedEpochMicros);
            tcp.add(o.tcp);
            tls.add(o.tls);
            authAck.add(o.authAck);
            subscribeAck.add(o.subscribeAck);
            connectTlsAuth.add(o.connectTlsAuth);
            untilSnapshot.add(o.untilSnapshot);
        }
    }
}

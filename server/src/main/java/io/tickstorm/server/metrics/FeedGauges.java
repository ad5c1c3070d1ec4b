package io.tickstorm.server.metrics;

import io.tickstorm.server.feed.FeedCounters;
import io.tickstorm.server.feed.MalformedReason;
import io.tickstorm.server.feed.TickFeed;
import io.tickstorm.server.feed.kafka.KafkaSource;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleSupplier;

/**
 * The feed's metrics, read at scrape time: what the source's records came to, its event-time position and lag, and
 * the Kafka source's own counts when it is the source. Registered once by the server.
 */
public final class FeedGauges {

    private FeedGauges() {
    }

    /** Registers the feed's series on {@code metrics}. */
    public static void register(ServerMetrics metrics, TickFeed feed) {
        metrics.counter(ServerMetrics.TICKS_GENERATED, "Ticks the source wrote while live (not the history rebuild).",
                List.of(), Map.of(List.of(), () -> feed.ticksGenerated()));
        Map<List<String>, DoubleSupplier> results = new LinkedHashMap<>();
        for (FeedCounters.Result result : FeedCounters.Result.values()) {
            results.put(List.of(result.label()), () -> feed.counters().count(result));
        }
        metrics.counter(ServerMetrics.FEED_TICKS, "Records the source read, by what became of them: ok, malformed, "
                + "unknown_symbol (not carried), late (served on REALTIME, left out of bars).", List.of("result"),
                results);
        Map<List<String>, DoubleSupplier> malformed = new LinkedHashMap<>();
        for (MalformedReason reason : MalformedReason.values()) {
            malformed.put(List.of(reason.label()), () -> feed.counters().malformedCount(reason));
        }
        metrics.counter(ServerMetrics.FEED_MALFORMED, "Records the source skipped as malformed, by reason.",
                List.of("reason"), malformed);
        if (feed.source() instanceof KafkaSource kafka) {
            metrics.gauge(ServerMetrics.KAFKA_PARTITIONS, "Partitions of the Kafka topic this replica reads (all of "
                    + "them).", kafka::partitions);
            metrics.counter(ServerMetrics.KAFKA_KEY_MISMATCHES, "Kafka records whose key was not their tick's symbol "
                    + "(the symbol was used).", List.of(), Map.of(List.of(), kafka::keyMismatches));
        }
        metrics.gauge(ServerMetrics.FEED_EVENT_TIME, "The source's event-time position (epoch seconds): bars close "
                + "once it passes their end plus the lateness.", () -> feed.positionNanos() / 1e9);
        metrics.gauge(ServerMetrics.FEED_LAG, "How far the source's position is behind the wall clock, in seconds "
                + "(0 when it keeps up).", () -> Math.max(0, System.currentTimeMillis() / 1e3
                - feed.positionNanos() / 1e9));
    }
}

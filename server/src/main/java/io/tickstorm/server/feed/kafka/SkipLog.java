package io.tickstorm.server.feed.kafka;

import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rate-limited WARN lines about records the source skipped or judged late, naming partition and offset: the first
 * {@value #LOGGED_RECORDS} one by one, then a summary every 10 s at most. Feed thread only.
 */
final class SkipLog {

    /** Records logged one by one before the log is rate-limited. */
    static final int LOGGED_RECORDS = 10;

    private static final Logger LOG = LoggerFactory.getLogger(KafkaSource.class);
    private static final long SUMMARY_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final String topic;
    private long logged;
    private long unlogged;
    private long nextSummaryNanos;

    SkipLog(String topic) {
        this.topic = topic;
    }

    /**
     * Logs (or counts for the next summary) a record of {@code partition} at {@code offset}: {@code why}, a constant
     * (a malformed reason's label, or a sentence), so that nothing is built for a record that is not logged.
     */
    void record(int partition, long offset, String why) {
        if (logged < LOGGED_RECORDS) {
            logged++;
            LOG.warn("Kafka topic {} partition {} offset {}: {}{}", topic, partition, offset, why,
                    logged == LOGGED_RECORDS ? " (further records are summarised every 10 s)" : "");
            nextSummaryNanos = System.nanoTime() + SUMMARY_INTERVAL_NANOS;
            return;
        }
        unlogged++;
        long now = System.nanoTime();
        if (now - nextSummaryNanos >= 0) {
            LOG.warn("Kafka topic {}: {} more records skipped, late or mis-keyed, the last at partition {} offset {} "
                    + "({}); see tick_storm_feed_ticks_total", topic, unlogged, partition, offset, why);
            unlogged = 0;
            nextSummaryNanos = now + SUMMARY_INTERVAL_NANOS;
        }
    }
}

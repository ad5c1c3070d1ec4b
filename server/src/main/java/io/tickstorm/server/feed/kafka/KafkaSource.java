package io.tickstorm.server.feed.kafka;

import io.tickstorm.server.feed.EpochNanoClock;
import io.tickstorm.server.feed.FeedConfig;
import io.tickstorm.server.feed.KafkaFeedConfig;
import io.tickstorm.server.feed.TickSink;
import io.tickstorm.server.feed.TickSource;
import java.time.Duration;
import java.time.Instant;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code FEED_SOURCE=kafka}: ticks from a Kafka topic, every partition read by every replica (PROTOCOL.md §6,
 * DESIGN.md §3). The {@link KafkaReader} consumes on its own thread and queues each partition's records in a
 * {@link PartitionLane}; this source, on the feed thread, writes them into the market through a
 * {@link RecordWriter}, which judges lateness per bar on the record timestamp ({@link LatenessRule}).
 *
 * <h2>Position</h2>
 * The lowest partition watermark (see {@link PartitionLane}: the largest record timestamp seen, or the time the
 * partition was found read to its end), less {@code KAFKA_RECORD_DELAY}, never moving back. An interval closes
 * once the position passes its end plus {@code FEED_LATENESS}, so a record that arrives after that is stamped past
 * the deadline (up to the record delay) and is late on every replica alike. While a partition has not been heard
 * from (brokers unreachable, topic missing), the position does not move: bars wait, and close in order later.
 *
 * <h2>Startup</h2>
 * {@link #open} starts reading at the history's start less {@code KAFKA_CARRY_LOOKBACK}; the market starts there
 * too. Until every partition has been read up to its end offset of that moment, {@link #poll} waits for data
 * (briefly) and returns "more", so {@code TickFeed.rebuildHistory()} rebuilds the history without delivering old
 * ticks, then the server opens its port. A symbol whose last tick lies before the lookback is absent from the
 * rebuilt bars until its next tick (a replica that ran throughout carries it): the lookback bounds what agrees.
 */
public final class KafkaSource implements TickSource {

    /** Records handled per poll at most, so that the feed thread closes bars in between. */
    static final int MAX_RECORDS_PER_POLL = 1 << 16;

    private static final Logger LOG = LoggerFactory.getLogger(KafkaSource.class);
    private static final long NANOS_PER_MS = 1_000_000L;
    /** Longest wait for data inside a poll, while rebuilding only. */
    private static final long REBUILD_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    private final KafkaFeedConfig config;
    private final long latenessNanos;
    private final long recordDelayNanos;
    private final EpochNanoClock clock;
    private final Runnable wake;
    private final KafkaReader reader;
    private final RecordWriter writer;
    /** The thread waiting in {@link #poll} during the rebuild, for the reader to unpark. */
    private volatile Thread waiter;
    private volatile boolean caughtUp;
    private volatile long publishedKeyMismatches;

    // Feed thread.
    private long positionNanos;
    private long rebuildStartedNanos;
    private int firstLane;

    KafkaSource(KafkaFeedConfig config, Duration lateness, Properties properties,
                Function<Properties, Consumer<byte[], byte[]>> consumers, EpochNanoClock clock, Runnable wake) {
        this.config = config;
        this.latenessNanos = lateness.toNanos();
        this.recordDelayNanos = config.recordDelay().toNanos();
        this.clock = clock;
        this.wake = wake;
        this.reader = new KafkaReader(config, properties, consumers, clock, this::signal);
        this.writer = new RecordWriter(config.format(), latenessNanos, new SkipLog(config.topic()));
    }

    /**
     * The source {@code config} names ({@code KAFKA_*}, {@code FEED_LATENESS}); nothing connects until {@link #open}.
     *
     * @param wake ends the feed thread's sleep; run on the consumer thread when records arrive
     * @throws IllegalArgumentException naming {@code KAFKA_PROPERTIES_FILE} and the key it must not set
     */
    public static KafkaSource open(FeedConfig config, EpochNanoClock clock, Runnable wake) {
        KafkaFeedConfig kafka = config.kafka();
        return new KafkaSource(kafka, config.lateness(), ConsumerSettings.consumer(kafka), KafkaConsumer::new, clock,
                wake);
    }

    private void signal() {
        Thread waiting = waiter;
        if (waiting != null) {
            LockSupport.unpark(waiting);
        }
        wake.run();
    }

    @Override
    public String description() {
        return "Kafka topic " + config.topic() + " on " + config.bootstrapServers() + " ("
                + config.format().configValue() + ")";
    }

    @Override
    public boolean canBackfill() {
        return true;
    }

    @Override
    public long open(long nowNanos, long historyStartNanos) {
        long startMs = Math.floorDiv(historyStartNanos - config.carryLookback().toNanos(), NANOS_PER_MS);
        positionNanos = startMs * NANOS_PER_MS;
        rebuildStartedNanos = System.nanoTime();
        LOG.info("Kafka source: rebuilding history from {} (history start {} less KAFKA_CARRY_LOOKBACK {})",
                Instant.ofEpochMilli(startMs), Instant.ofEpochMilli(Math.floorDiv(historyStartNanos, NANOS_PER_MS)),
                config.carryLookback());
        reader.start(startMs);
        return positionNanos;
    }

    @Override
    public boolean poll(long nowNanos, TickSink sink) {
        long nowMs = Math.floorDiv(Math.max(nowNanos, clock.epochNanos()), NANOS_PER_MS);
        PartitionLane[] lanes = reader.lanes();
        writer.budget(MAX_RECORDS_PER_POLL);
        boolean held = false;
        int count = lanes.length;
        for (int i = 0; i < count && writer.budget() > 0; i++) {
            // Start at another lane each poll, so a busy partition does not always go first.
            held |= writer.drain(lanes[(firstLane + i) % count], sink, nowMs) == RecordWriter.Outcome.HELD;
        }
        if (count > 0) {
            firstLane = (firstLane + 1) % count;
        }
        publishedKeyMismatches = writer.keyMismatches();
        boolean budgetSpent = writer.budget() == 0;
        long before = positionNanos;
        positionNanos = Math.max(positionNanos, lowWatermarkNanos(lanes));
        boolean moved = positionNanos > before;
        if (caughtUp) {
            // A held tick waits for older intervals to close: worth another poll only if the position moved.
            return budgetSpent || (held && moved);
        }
        if (reader.assigned() && allCaughtUp(lanes)) {
            caughtUp = true;
            long now = System.nanoTime();
            LOG.info("Kafka topic {}: caught up, {} records read in {} ms ({} ms since startup, waiting for the "
                    + "brokers included); live from now on", config.topic(), writer.recordsRead(),
                    TimeUnit.NANOSECONDS.toMillis(now - reader.assignedNanos()),
                    TimeUnit.NANOSECONDS.toMillis(now - rebuildStartedNanos));
            return false;
        }
        if (!budgetSpent && !moved) {
            awaitData();
        }
        return true;
    }

    /** The lowest watermark less the record delay, or {@link Long#MIN_VALUE} while a partition is unknown. */
    private long lowWatermarkNanos(PartitionLane[] lanes) {
        if (lanes.length == 0) {
            return Long.MIN_VALUE;
        }
        long low = Long.MAX_VALUE;
        for (PartitionLane lane : lanes) {
            low = Math.min(low, lane.watermarkNanos());
        }
        // One nanosecond less: a record stamped exactly at the deadline still counts, so the deadline must be passed.
        return low == Long.MIN_VALUE ? Long.MIN_VALUE : low - recordDelayNanos - 1;
    }

    private static boolean allCaughtUp(PartitionLane[] lanes) {
        for (PartitionLane lane : lanes) {
            if (!lane.caughtUp()) {
                return false;
            }
        }
        return true;
    }

    /** While rebuilding, nothing is ready: wait for the reader's signal, briefly (a missed signal costs 50 ms). */
    private void awaitData() {
        waiter = Thread.currentThread();
        try {
            LockSupport.parkNanos(this, REBUILD_WAIT_NANOS);
        } finally {
            waiter = null;
        }
    }

    @Override
    public long positionNanos() {
        return positionNanos;
    }

    @Override
    public long latenessNanos() {
        return latenessNanos;
    }

    @Override
    public long nextPollNanos(long nowNanos, boolean ticksWanted) {
        // The consumer thread wakes the feed when records or end marks arrive.
        return Long.MAX_VALUE;
    }

    /** Whether the history is rebuilt: every partition read up to its end offset at startup. Any thread. */
    public boolean caughtUp() {
        return caughtUp;
    }

    /** What the source is doing or waiting for (readiness, logs). Any thread. */
    public String status() {
        String reading = reader.status();
        return caughtUp ? reading : "rebuilding history from the log: " + reading;
    }

    /** Partitions being read. Any thread. */
    public int partitions() {
        return reader.lanes().length;
    }

    /** Records whose key was not their tick's symbol, as of the last poll. Any thread. */
    public long keyMismatches() {
        return publishedKeyMismatches;
    }

    @Override
    public void close() {
        reader.close();
    }
}

package io.tickstorm.server.feed.kafka;

import io.tickstorm.server.feed.EpochNanoClock;
import io.tickstorm.server.feed.KafkaFeedConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kafka source's consumer thread ({@value #THREAD_NAME}): a {@link Consumer} is single-threaded and its calls
 * block, so it runs here rather than on the feed thread, and hands each partition's records to the feed thread
 * through the partition's {@link PartitionLane}, then signals it.
 *
 * <ul>
 *   <li>Startup: lists the topic's partitions, assigns them all (no group, no commits), seeks each to the first
 *       record stamped at or after the start time ({@code offsetsForTimes}; to its end if there is none), and
 *       takes each partition's end offset as the point where the source has caught up. Brokers unreachable or
 *       topic missing: says so ({@link #status()}), retries with back-off from 0.5 s to 30 s.
 *   <li>Reading: polls, queues each partition's records in its lane, pauses a partition whose lane is full and
 *       resumes it once drained. Every {@value #END_CHECK_MS} ms it asks the brokers for the partitions' end
 *       offsets: a partition read up to its end is marked with the time read <em>before</em> asking, so a record
 *       that arrives after the mark was appended after that time. Nothing is marked while the brokers do not
 *       answer: then the position waits, and bars with it.
 *   <li>Partitions added to the topic are found every {@code KAFKA_PARTITION_REFRESH} and read from their
 *       beginning.
 * </ul>
 */
final class KafkaReader implements AutoCloseable {

    /** Name of the consumer thread. */
    static final String THREAD_NAME = "tick-kafka";
    /** How often the partitions' ends are asked for, while the brokers answer. */
    static final long END_CHECK_MS = 25;

    private static final Logger LOG = LoggerFactory.getLogger(KafkaSource.class);
    private static final Duration POLL = Duration.ofMillis(50);
    /** Shorter while a partition is paused, to resume it soon after the feed thread drains it. */
    private static final Duration POLL_PAUSED = Duration.ofMillis(5);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration END_TIMEOUT = Duration.ofSeconds(1);
    private static final long MIN_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(500);
    private static final long MAX_BACKOFF_NANOS = TimeUnit.SECONDS.toNanos(30);
    private static final long PROBLEM_LOG_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);
    private static final long CLOSE_JOIN_MS = 5_000;

    private final String topic;
    private final String brokers;
    private final Properties properties;
    private final Function<Properties, Consumer<byte[], byte[]>> consumers;
    private final EpochNanoClock clock;
    private final long refreshNanos;
    private final Runnable signal;

    private volatile boolean running;
    private volatile Thread thread;
    private volatile PartitionLane[] lanes = new PartitionLane[0];
    private volatile boolean assigned;
    /** {@link System#nanoTime()} when the partitions were assigned. */
    private volatile long assignedNanos;
    private volatile String status;

    /** Written by the consumer thread only; read by {@link #close()} to wake it. */
    private volatile Consumer<byte[], byte[]> consumer;

    // Consumer thread.
    private final Map<TopicPartition, PartitionLane> byPartition = new HashMap<>();
    private long startMs;
    private long nextEndCheckNanos;
    private long nextRefreshNanos;
    private long backoffNanos = MIN_BACKOFF_NANOS;
    private String problem;
    private long nextProblemLogNanos;

    /**
     * @param consumers makes the consumer from its properties (a {@code KafkaConsumer}; tests may pass another)
     * @param signal run on this thread after records or marks were handed over
     */
    KafkaReader(KafkaFeedConfig config, Properties properties, Function<Properties, Consumer<byte[], byte[]>> consumers,
                EpochNanoClock clock, Runnable signal) {
        this.topic = config.topic();
        this.brokers = config.bootstrapServers();
        this.properties = properties;
        this.consumers = consumers;
        this.clock = clock;
        this.refreshNanos = config.partitionRefresh().toNanos();
        this.signal = signal;
        this.status = "connecting to the brokers at " + brokers;
    }

    /** Starts the consumer thread, which reads every partition from the first record stamped at {@code fromMs}. */
    synchronized void start(long fromMs) {
        if (thread != null) {
            throw new IllegalStateException("already started");
        }
        this.startMs = fromMs;
        Thread reader = new Thread(this::run, THREAD_NAME);
        reader.setDaemon(true);
        reader.setUncaughtExceptionHandler((t, e) -> {
            status = "the Kafka consumer thread died: " + e;
            LOG.error("The Kafka consumer thread died; no more ticks", e);
        });
        running = true;
        thread = reader;
        reader.start();
    }

    /** The partitions' lanes, by partition number; replaced (never changed) when partitions are added. */
    PartitionLane[] lanes() {
        return lanes;
    }

    /** Whether the partitions were assigned and their catch-up offsets taken. */
    boolean assigned() {
        return assigned;
    }

    /** {@link System#nanoTime()} when the partitions were assigned (read after {@link #assigned()} is true). */
    long assignedNanos() {
        return assignedNanos;
    }

    /** What the reader is doing or waiting for, for logs and readiness. */
    String status() {
        return status;
    }

    private void run() {
        try {
            while (running) {
                try {
                    if (consumer == null) {
                        consumer = consumers.apply(properties);
                    }
                    if (!assigned && !assign()) {
                        backOff();
                        continue;
                    }
                    pollOnce();
                } catch (WakeupException | InterruptException e) {
                    if (running) {
                        LOG.warn("Kafka consumer interrupted; going on", e);
                    }
                } catch (KafkaException e) {
                    problem("cannot read topic " + topic + " from the brokers at " + brokers, e.getMessage(), e);
                    backOff();
                }
            }
        } finally {
            if (consumer != null) {
                try {
                    consumer.close(Duration.ofSeconds(1));
                } catch (KafkaException e) {
                    LOG.debug("Closing the Kafka consumer failed", e);
                }
            }
        }
    }

    /** Lists, assigns and seeks every partition; false if the topic does not exist (yet). */
    private boolean assign() {
        status = "connecting to the brokers at " + brokers;
        List<TopicPartition> partitions = partitions();
        if (partitions.isEmpty()) {
            problem("topic " + topic + " not found on the brokers at " + brokers + "; waiting for it", null, null);
            return false;
        }
        consumer.assign(partitions);
        Map<TopicPartition, Long> times = new HashMap<>();
        partitions.forEach(partition -> times.put(partition, startMs));
        Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(times, REQUEST_TIMEOUT);
        Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, REQUEST_TIMEOUT);
        long fromOffsets = 0;
        for (TopicPartition partition : partitions) {
            OffsetAndTimestamp at = found.get(partition);
            if (at != null) {
                consumer.seek(partition, at.offset());
                fromOffsets += Math.max(0, ends.get(partition) - at.offset());
            } else {
                consumer.seekToEnd(List.of(partition));
            }
        }
        List<PartitionLane> created = new ArrayList<>();
        for (TopicPartition partition : partitions) {
            PartitionLane lane = new PartitionLane(partition, ends.get(partition));
            byPartition.put(partition, lane);
            created.add(lane);
        }
        publish(created);
        assignedNanos = System.nanoTime();
        assigned = true;
        problem = null;
        backoffNanos = MIN_BACKOFF_NANOS;
        nextRefreshNanos = System.nanoTime() + refreshNanos;
        status = "reading topic " + topic;
        LOG.info("Kafka topic {} on {}: {} partitions, reading about {} records from {} (the history's start less "
                + "KAFKA_CARRY_LOOKBACK) up to the end offsets {}", topic, brokers, partitions.size(), fromOffsets,
                Instant.ofEpochMilli(startMs), ends.values());
        warnIfCreateTime();
        signal.run();
        return true;
    }

    /** The topic's partitions by number; empty if the topic does not exist. */
    private List<TopicPartition> partitions() {
        List<PartitionInfo> infos;
        try {
            infos = consumer.partitionsFor(topic, REQUEST_TIMEOUT);
        } catch (UnknownTopicOrPartitionException e) {
            return List.of();
        }
        List<TopicPartition> partitions = new ArrayList<>();
        if (infos != null) {
            for (PartitionInfo info : infos) {
                partitions.add(new TopicPartition(topic, info.partition()));
            }
        }
        partitions.sort(Comparator.comparingInt(TopicPartition::partition));
        return partitions;
    }

    private void publish(List<PartitionLane> added) {
        List<PartitionLane> all = new ArrayList<>(List.of(lanes));
        all.addAll(added);
        all.sort(Comparator.comparingInt(PartitionLane::partition));
        lanes = all.toArray(new PartitionLane[0]);
    }

    private void pollOnce() {
        boolean anyPaused = false;
        for (PartitionLane lane : lanes) {
            anyPaused |= lane.paused();
        }
        ConsumerRecords<byte[], byte[]> records = consumer.poll(anyPaused ? POLL_PAUSED : POLL);
        boolean handed = false;
        for (TopicPartition partition : records.partitions()) {
            PartitionLane lane = byPartition.get(partition);
            List<ConsumerRecord<byte[], byte[]>> batch = records.records(partition);
            while (!lane.offer(batch)) {
                // Only if a pause came too late: wait for the feed thread, which the signal wakes.
                signal.run();
                LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(1));
                if (!running) {
                    return;
                }
            }
            handed = true;
            if (!lane.paused() && lane.queued() >= PartitionLane.PAUSE_AT) {
                consumer.pause(List.of(partition));
                lane.paused(true);
            }
        }
        for (PartitionLane lane : lanes) {
            if (lane.paused() && lane.queued() <= PartitionLane.RESUME_AT) {
                consumer.resume(List.of(lane.topicPartition()));
                lane.paused(false);
            }
        }
        handed |= markCaughtUp();
        long now = System.nanoTime();
        if (now - nextEndCheckNanos >= 0) {
            nextEndCheckNanos = now + TimeUnit.MILLISECONDS.toNanos(END_CHECK_MS);
            handed |= markEnds();
        }
        if (now - nextRefreshNanos >= 0) {
            nextRefreshNanos = now + refreshNanos;
            refreshPartitions();
        }
        if (handed) {
            signal.run();
        }
    }

    /** Marks the lanes whose consumer position has reached their catch-up offset; whether any was marked. */
    private boolean markCaughtUp() {
        boolean marked = false;
        for (PartitionLane lane : lanes) {
            if (!lane.caughtUpMarked() && consumer.position(lane.topicPartition(), REQUEST_TIMEOUT)
                    >= lane.catchUpOffset()) {
                lane.markCaughtUp();
                marked = true;
            }
        }
        return marked;
    }

    /** Marks the partitions read to their end, at the time before asking; whether any was marked. */
    private boolean markEnds() {
        List<TopicPartition> reading = new ArrayList<>();
        for (PartitionLane lane : lanes) {
            if (!lane.paused()) {
                reading.add(lane.topicPartition());
            }
        }
        if (reading.isEmpty()) {
            return false;
        }
        long before = clock.epochNanos();
        Map<TopicPartition, Long> ends;
        try {
            ends = consumer.endOffsets(reading, END_TIMEOUT);
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
            problem("the brokers at " + brokers + " do not answer; bars wait for them", e.getMessage(), null);
            return false;
        }
        if (problem != null) {
            LOG.info("Kafka brokers at {} answer again; reading topic {}", brokers, topic);
            problem = null;
            status = "reading topic " + topic;
        }
        boolean marked = false;
        for (TopicPartition partition : reading) {
            Long end = ends.get(partition);
            if (end != null && consumer.position(partition, END_TIMEOUT) >= end) {
                byPartition.get(partition).markEnd(before);
                marked = true;
            }
        }
        return marked;
    }

    private void refreshPartitions() {
        List<TopicPartition> listed = partitions();
        List<PartitionLane> added = new ArrayList<>();
        for (TopicPartition partition : listed) {
            if (!byPartition.containsKey(partition)) {
                PartitionLane lane = new PartitionLane(partition, 0);
                lane.markCaughtUp();
                byPartition.put(partition, lane);
                added.add(lane);
            }
        }
        if (added.isEmpty()) {
            return;
        }
        consumer.assign(new ArrayList<>(byPartition.keySet()));
        Set<Integer> numbers = new TreeSet<>();
        added.forEach(lane -> numbers.add(lane.partition()));
        // With no position, auto.offset.reset=earliest reads a new partition from its beginning: all of it is new.
        publish(added);
        LOG.info("Kafka topic {}: partitions {} added; reading them from their beginning", topic, numbers);
    }

    /** PROTOCOL.md §6: replicas agree by construction on LogAppendTime topics; CreateTime relies on producers. */
    private void warnIfCreateTime() {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        try (Admin admin = Admin.create(properties)) {
            ConfigEntry type = admin.describeConfigs(List.of(resource)).all()
                    .get(REQUEST_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).get(resource)
                    .get(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG);
            if (type != null && "CreateTime".equals(type.value())) {
                LOG.warn("Kafka topic {} uses message.timestamp.type=CreateTime: bars are the same on every replica "
                        + "only while producers stamp records when they send them (within KAFKA_RECORD_DELAY); "
                        + "LogAppendTime makes it true by construction (PROTOCOL.md §6)", topic);
            }
        } catch (ExecutionException | java.util.concurrent.TimeoutException | KafkaException e) {
            LOG.info("Could not read the timestamp type of Kafka topic {}: {}", topic, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Records a problem for readiness and logs it: at once when it is new, then once a minute while it lasts.
     *
     * @param what the problem, the same text each time it recurs
     * @param detail what the client said this time (varies: timings), or null
     * @param cause logged with its stack trace at DEBUG, or null
     */
    private void problem(String what, String detail, Exception cause) {
        status = detail == null ? what : what + " (" + detail + ")";
        long now = System.nanoTime();
        if (!what.equals(problem) || now - nextProblemLogNanos >= 0) {
            if (cause != null && LOG.isDebugEnabled()) {
                LOG.warn("Kafka: {}", status, cause);
            } else {
                LOG.warn("Kafka: {}", status);
            }
            problem = what;
            nextProblemLogNanos = now + PROBLEM_LOG_INTERVAL_NANOS;
        }
    }

    private void backOff() {
        long deadline = System.nanoTime() + backoffNanos;
        backoffNanos = Math.min(MAX_BACKOFF_NANOS, backoffNanos * 2);
        for (long left = deadline - System.nanoTime(); running && left > 0; left = deadline - System.nanoTime()) {
            LockSupport.parkNanos(this, left);
        }
    }

    /** Stops the consumer thread and waits up to 5 s for it. Idempotent; any thread. */
    @Override
    public void close() {
        running = false;
        Thread reader = thread;
        if (reader == null || reader == Thread.currentThread()) {
            return;
        }
        Consumer<byte[], byte[]> current = consumer;
        if (current != null) {
            current.wakeup();
        }
        LockSupport.unpark(reader);
        try {
            reader.join(CLOSE_JOIN_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (reader.isAlive()) {
            LOG.warn("The Kafka consumer thread did not stop within {} ms", CLOSE_JOIN_MS);
        }
    }
}

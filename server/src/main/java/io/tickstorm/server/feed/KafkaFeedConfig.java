package io.tickstorm.server.feed;

import com.typesafe.config.Config;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Pattern;

/**
 * The Kafka source's configuration, read from {@code tick-storm.feed.kafka} (PROTOCOL.md §6, README "Kafka").
 * Validated here as far as it can be without the source being selected; {@link #requireUsable()} adds what
 * {@code FEED_SOURCE=kafka} needs (a bootstrap address, a readable properties file without source-owned keys).
 *
 * @param bootstrapServers {@code host:port[,host:port...]} of the brokers ({@code KAFKA_BOOTSTRAP_SERVERS})
 * @param topic the topic of ticks ({@code KAFKA_TOPIC})
 * @param format how record values hold ticks ({@code KAFKA_FORMAT})
 * @param propertiesFile further consumer properties, "" for none ({@code KAFKA_PROPERTIES_FILE})
 * @param carryLookback how much log before the history's start is read at startup, so that symbols quiet at the
 *     start of the history carry the same price as on a replica that ran throughout ({@code KAFKA_CARRY_LOOKBACK})
 * @param recordDelay how far a record's timestamp may trail the moment it is readable in the log: a CreateTime
 *     producer's send delay plus clock differences between brokers and servers ({@code KAFKA_RECORD_DELAY}); bars
 *     wait this much longer, so that a record that arrives in time is never left out on one replica only
 * @param partitionRefresh how often the topic's partitions are listed again, to read new ones
 *     ({@code KAFKA_PARTITION_REFRESH})
 */
public record KafkaFeedConfig(
        String bootstrapServers,
        String topic,
        KafkaFormat format,
        String propertiesFile,
        Duration carryLookback,
        Duration recordDelay,
        Duration partitionRefresh) {

    /** The configuration block this record is read from. */
    public static final String PATH = "tick-storm.feed.kafka";
    /** The topic unless configured. */
    public static final String DEFAULT_TOPIC = "ticks";
    /** Kafka's own rule for topic names. */
    public static final Pattern TOPIC_PATTERN = Pattern.compile("[a-zA-Z0-9._-]{1,249}");
    /** Longest accepted carry lookback. */
    public static final Duration MAX_CARRY_LOOKBACK = Duration.ofDays(7);
    /**
     * Longest accepted record delay. A tick may be stamped up to a second after its record and the market holds
     * open intervals up to two seconds past its position (the lowest watermark less this delay), so a tick held
     * at the horizon in the partition that sets the position always fits once older intervals close: delay plus
     * that second must stay below two seconds, with room for millisecond rounding.
     */
    public static final Duration MAX_RECORD_DELAY = Duration.ofMillis(500);
    /** Shortest accepted partition refresh. */
    public static final Duration MIN_PARTITION_REFRESH = Duration.ofSeconds(1);
    /** The defaults of reference.conf, for sources other than Kafka and for tests. */
    public static final KafkaFeedConfig DEFAULT = new KafkaFeedConfig("", DEFAULT_TOPIC, KafkaFormat.PROTOBUF, "",
            Duration.ofMinutes(10), Duration.ofMillis(50), Duration.ofSeconds(30));

    public KafkaFeedConfig {
        bootstrapServers = bootstrapServers == null ? "" : bootstrapServers.trim();
        topic = topic == null ? "" : topic.trim();
        if (!TOPIC_PATTERN.matcher(topic).matches() || topic.equals(".") || topic.equals("..")) {
            throw new IllegalArgumentException(PATH + ".topic (KAFKA_TOPIC): '" + topic + "' is not a Kafka topic "
                    + "name (1 to 249 of a-z A-Z 0-9 . _ -)");
        }
        if (format == null) {
            throw new IllegalArgumentException(PATH + ".format (KAFKA_FORMAT): must be protobuf or json");
        }
        propertiesFile = propertiesFile == null ? "" : propertiesFile.trim();
        requireWithin("carry-lookback (KAFKA_CARRY_LOOKBACK)", carryLookback, Duration.ZERO, MAX_CARRY_LOOKBACK);
        requireWithin("record-delay (KAFKA_RECORD_DELAY)", recordDelay, Duration.ZERO, MAX_RECORD_DELAY);
        requireWithin("partition-refresh (KAFKA_PARTITION_REFRESH)", partitionRefresh, MIN_PARTITION_REFRESH,
                Duration.ofHours(1));
    }

    /** Reads {@code tick-storm.feed.kafka} (the block itself, not the root). */
    public static KafkaFeedConfig from(Config kafka) {
        return new KafkaFeedConfig(
                kafka.getString("bootstrap-servers"),
                kafka.getString("topic"),
                KafkaFormat.of(kafka.getString("format"), "KAFKA_FORMAT"),
                kafka.getString("properties-file"),
                kafka.getDuration("carry-lookback"),
                kafka.getDuration("record-delay"),
                kafka.getDuration("partition-refresh"));
    }

    private static final String PROPERTIES_VARIABLE = "KAFKA_PROPERTIES_FILE";

    /**
     * Checks what {@code FEED_SOURCE=kafka} needs: a bootstrap address, and a properties file (if any) that is
     * readable.
     *
     * @throws IllegalArgumentException naming the variable and the file
     */
    public void requireUsable() {
        if (bootstrapServers.isEmpty()) {
            throw new IllegalArgumentException(PATH + ".bootstrap-servers (KAFKA_BOOTSTRAP_SERVERS): FEED_SOURCE=kafka "
                    + "needs the brokers' addresses, e.g. kafka-0.kafka:9092,kafka-1.kafka:9092");
        }
        if (!propertiesFile.isEmpty()) {
            Path path = Path.of(propertiesFile);
            if (Files.isDirectory(path)) {
                throw new IllegalArgumentException(PROPERTIES_VARIABLE + "=" + propertiesFile
                        + ": is a directory, not a properties file");
            }
            if (!Files.isReadable(path)) {
                throw new IllegalArgumentException(PROPERTIES_VARIABLE + "=" + propertiesFile
                        + ": no such file, or not readable");
            }
        }
        // The keys the source owns are refused when it builds its consumer (ConsumerSettings), before the tick port
        // opens: that check belongs to the Kafka package, which depends on this one.
    }

    private static void requireWithin(String key, Duration value, Duration min, Duration max) {
        if (value == null || value.compareTo(min) < 0 || value.compareTo(max) > 0) {
            throw new IllegalArgumentException(PATH + "." + key + ": must be in [" + min + ", " + max + "], got "
                    + value);
        }
    }
}

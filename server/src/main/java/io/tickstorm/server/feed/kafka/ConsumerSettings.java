package io.tickstorm.server.feed.kafka;

import io.tickstorm.server.feed.KafkaFeedConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The Kafka consumer's properties: the source's defaults, then {@code KAFKA_PROPERTIES_FILE} (TLS and SASL to the
 * brokers, tuning) applied as given, then the properties the source owns, which the file may not set:
 *
 * <ul>
 *   <li>no consumer group and no commits ({@code group.id}, {@code group.instance.id}, {@code group.protocol},
 *       {@code enable.auto.commit}, {@code auto.commit.interval.ms}): every replica reads every partition itself;
 *   <li>{@code auto.offset.reset}: the source seeks by time at startup and reads partitions added later from their
 *       beginning;
 *   <li>{@code key.deserializer}, {@code value.deserializer}: the source decodes the bytes itself;
 *   <li>{@code bootstrap.servers} comes from {@code KAFKA_BOOTSTRAP_SERVERS};
 *   <li>{@code allow.auto.create.topics}: a replica never creates the topic.
 * </ul>
 */
public final class ConsumerSettings {

    /** The environment variable naming the file, for messages. */
    static final String VARIABLE = "KAFKA_PROPERTIES_FILE";

    /** The properties the source owns, with why, for the refusal message. */
    static final Map<String, String> OWNED = owned();

    /** Records per poll: enough to amortise a poll, few enough to bound what a replica holds per partition. */
    static final int MAX_POLL_RECORDS = 2_000;
    /** Bytes per fetch response: bounds the consumer's buffer (Kafka's default is 50 MiB). */
    static final int FETCH_MAX_BYTES = 8 << 20;

    private ConsumerSettings() {
    }

    private static Map<String, String> owned() {
        String noGroup = "every replica reads every partition itself, without a consumer group or commits";
        Map<String, String> owned = new LinkedHashMap<>();
        owned.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, "set KAFKA_BOOTSTRAP_SERVERS instead");
        owned.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, "the source decodes record bytes itself");
        owned.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, "the source decodes record bytes itself "
                + "(KAFKA_FORMAT chooses protobuf or json)");
        owned.put(ConsumerConfig.GROUP_ID_CONFIG, noGroup);
        owned.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, noGroup);
        owned.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, noGroup);
        owned.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, noGroup);
        owned.put(ConsumerConfig.AUTO_COMMIT_INTERVAL_MS_CONFIG, noGroup);
        owned.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "the source seeks by time at startup and reads new "
                + "partitions from their beginning");
        owned.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "a replica never creates the topic");
        return Map.copyOf(owned);
    }

    /**
     * The properties in {@code file} ("" for none), refusing the source's own.
     *
     * @throws IllegalArgumentException naming {@value #VARIABLE}, the file and, for a refused property, its key
     */
    public static Properties readFile(String file) {
        return readFile(file, VARIABLE, OWNED);
    }

    /** {@link #readFile(String)} for any client: {@code owned} maps each refused key to why. */
    static Properties readFile(String file, String variable, Map<String, String> owned) {
        Properties properties = new Properties();
        if (file.isEmpty()) {
            return properties;
        }
        Path path = Path.of(file);
        if (Files.isDirectory(path)) {
            throw new IllegalArgumentException(variable + "=" + file + ": is a directory, not a properties file");
        }
        try (InputStream in = Files.newInputStream(path)) {
            properties.load(in);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(variable + "=" + file + ": no such file", e);
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalArgumentException(variable + "=" + file + ": cannot be read (" + e.getMessage() + ")", e);
        }
        for (String key : properties.stringPropertyNames()) {
            String why = owned.get(key.trim());
            if (why != null) {
                throw new IllegalArgumentException(variable + "=" + file + ": '" + key.trim() + "' is set by "
                        + "Tick-Storm and may not be overridden (" + why + "); remove it from the file");
            }
        }
        return properties;
    }

    /** The consumer's properties for {@code config}: defaults, the file, then the source's own. */
    public static Properties consumer(KafkaFeedConfig config) {
        Properties properties = new Properties();
        properties.put(ConsumerConfig.CLIENT_ID_CONFIG, "tick-storm");
        properties.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Integer.toString(MAX_POLL_RECORDS));
        properties.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, Integer.toString(FETCH_MAX_BYTES));
        // New partitions show up in the metadata no later than this.
        properties.put(ConsumerConfig.METADATA_MAX_AGE_CONFIG, Long.toString(config.partitionRefresh().toMillis()));
        properties.putAll(readFile(config.propertiesFile()));
        properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        properties.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        properties.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        properties.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        // A value the client refuses (a template's PLACEHOLDER, a typo) would otherwise fail every connection attempt
        // and look like an unreachable broker: refuse it at startup instead.
        try {
            ConsumerConfig.configDef().parse(properties);
        } catch (ConfigException e) {
            throw new IllegalArgumentException(VARIABLE + "=" + config.propertiesFile() + ": " + e.getMessage(), e);
        }
        return properties;
    }
}

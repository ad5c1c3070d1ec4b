package io.tickstorm.server.feed.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.tickstorm.server.feed.FeedConfig;
import io.tickstorm.server.feed.KafkaFeedConfig;
import io.tickstorm.server.feed.KafkaFormat;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class KafkaFeedConfigTest {

    @TempDir
    Path dir;

    private static FeedConfig feed(String block) {
        return FeedConfig.from(ConfigFactory.parseString("tick-storm.feed { " + block + " }")
                .withFallback(ConfigFactory.defaultReference()).resolve());
    }

    /** A Kafka source whose client properties file is {@code path}. */
    private static FeedConfig withPropertiesFile(Path path) {
        return feed("source = kafka, kafka { bootstrap-servers = \"k:9092\", properties-file = \"" + path + "\" }");
    }

    /** A Kafka source whose client properties file, written first, holds {@code content}. */
    private FeedConfig withProperties(String content) throws Exception {
        Path file = dir.resolve("client.properties");
        Files.writeString(file, content);
        return withPropertiesFile(file);
    }

    @Test
    void readsReferenceDefaults() {
        KafkaFeedConfig kafka = feed("").kafka();
        assertEquals(KafkaFeedConfig.DEFAULT, kafka);
        assertEquals("ticks", kafka.topic());
        assertEquals(KafkaFormat.PROTOBUF, kafka.format());
        assertEquals(Duration.ofMinutes(10), kafka.carryLookback());
        assertEquals(Duration.ofMillis(50), kafka.recordDelay());
    }

    @Test
    void theKafkaSourceNeedsBootstrapServers() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> feed("source = kafka"));
        assertTrue(e.getMessage().contains("KAFKA_BOOTSTRAP_SERVERS"), e.getMessage());
        FeedConfig config = feed("source = kafka, kafka { bootstrap-servers = \"k1:9092,k2:9092\", format = JSON, "
                + "topic = market.ticks }");
        assertEquals(FeedConfig.Source.KAFKA, config.source());
        assertEquals("k1:9092,k2:9092", config.kafka().bootstrapServers());
        assertEquals(KafkaFormat.JSON, config.kafka().format());
        assertEquals("market.ticks", config.kafka().topic());
    }

    @Test
    void rejectsBadValuesNamingTheVariable() {
        assertMessage(() -> feed("kafka.format = avro"), "KAFKA_FORMAT");
        assertMessage(() -> feed("kafka.topic = \"no spaces\""), "KAFKA_TOPIC");
        assertMessage(() -> feed("kafka.record-delay = 501ms"), "KAFKA_RECORD_DELAY");
        assertMessage(() -> feed("kafka.carry-lookback = -1s"), "KAFKA_CARRY_LOOKBACK");
        assertMessage(() -> feed("kafka.partition-refresh = 10ms"), "KAFKA_PARTITION_REFRESH");
    }

    @ParameterizedTest
    @ValueSource(strings = {"group.id", "enable.auto.commit", "auto.offset.reset", "key.deserializer",
            "value.deserializer", "bootstrap.servers", "group.instance.id", "allow.auto.create.topics"})
    void refusesPropertiesTheSourceOwnsNamingFileAndKey(String key) throws Exception {
        // Refused when the source builds its consumer, before the server opens its tick port.
        assertConsumerRefusedNamingTheFile(withProperties("security.protocol=SSL\n" + key + " = x\n"), "'" + key + "'");
    }

    @Test
    void appliesTheFileAndKeepsTheSourcesOwnSettings() throws Exception {
        FeedConfig config = withProperties("security.protocol=SASL_SSL\nsasl.mechanism=PLAIN\nmax.poll.records=500\n");
        Properties consumer = ConsumerSettings.consumer(config.kafka());
        assertEquals("SASL_SSL", consumer.get("security.protocol"));
        assertEquals("500", consumer.get("max.poll.records"), "tuning from the file wins over the defaults");
        assertEquals("k:9092", consumer.get("bootstrap.servers"));
        assertEquals("false", consumer.get("enable.auto.commit"));
        assertEquals("earliest", consumer.get("auto.offset.reset"));
        assertEquals(null, consumer.get("group.id"));
    }

    @Test
    void aValueTheKafkaClientRefusesStopsStartupNamingTheFile() throws Exception {
        assertConsumerRefusedNamingTheFile(withProperties("security.protocol=PLACEHOLDER\n"), "security.protocol");
    }

    @Test
    void aMissingPropertiesFileStopsStartup() {
        assertMessage(() -> withPropertiesFile(dir.resolve("absent.properties")), "no such file");
        assertMessage(() -> withPropertiesFile(dir), "is a directory");
    }

    private void assertConsumerRefusedNamingTheFile(FeedConfig config, String part) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ConsumerSettings.consumer(config.kafka()));
        String message = e.getMessage();
        assertTrue(message.contains("KAFKA_PROPERTIES_FILE=" + dir.resolve("client.properties")), message);
        assertTrue(message.contains(part), message);
    }

    private static void assertMessage(org.junit.jupiter.api.function.Executable executable, String part) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, executable);
        assertTrue(e.getMessage().contains(part), e.getMessage());
    }
}

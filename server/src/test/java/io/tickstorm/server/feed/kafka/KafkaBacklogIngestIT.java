package io.tickstorm.server.feed.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tickstorm.server.TickServer;
import io.tickstorm.server.testing.Scrape;
import io.tickstorm.server.testing.TestServers;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * A measurement, not a test of behaviour (off unless {@code -Dkafka.ingest.records=N}): one replica rebuilding its
 * history from a backlog of N protobuf ticks spread over the last 100 s, on 6 partitions of an in-process broker.
 * Prints records per second of the rebuild (from the source's start to caught up, as the startup log reports it).
 * The broker runs in the same JVM, on the same cores, so the figure is a floor.
 *
 * <pre>
 * ./mvnw -B -q -ntp -pl server -am -Dtest=none -Dit.test=KafkaBacklogIngestIT -Dkafka.ingest.records=2000000 \
 *     -Dsurefire.failIfNoSpecifiedTests=false -Dfailsafe.failIfNoSpecifiedTests=false verify
 * </pre>
 */
@EnabledIfSystemProperty(named = "kafka.ingest.records", matches = "[0-9]+")
class KafkaBacklogIngestIT {

    @Test
    void rebuildsABacklog() throws Exception {
        int records = Integer.getInteger("kafka.ingest.records");
        String topic = "backlog";
        try (KafkaTestBroker broker = KafkaTestBroker.start()) {
            broker.createTopic(topic, 6, Map.of());
            Properties properties = new Properties();
            properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
            properties.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
            properties.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
            properties.put(ProducerConfig.LINGER_MS_CONFIG, "20");
            properties.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(512 * 1024));
            properties.put(ProducerConfig.ACKS_CONFIG, "1");
            String[] symbols = new String[60];
            for (int s = 0; s < symbols.length; s++) {
                symbols[s] = "SYM" + s;
            }
            long produceStart = System.nanoTime();
            long fromMs = System.currentTimeMillis() - 100_000;
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(properties)) {
                for (int i = 0; i < records; i++) {
                    String symbol = symbols[i % symbols.length];
                    long t = fromMs + (long) (i * (100_000.0 / records));
                    producer.send(new ProducerRecord<>(topic, null, t, symbol.getBytes(),
                            KafkaTestBroker.tick(symbol, t, 100 + i % 50, 1 + i % 7)));
                }
            }
            System.out.printf("KafkaBacklogIngestIT: produced %d records in %d ms%n", records,
                    (System.nanoTime() - produceStart) / 1_000_000);
            Map<String, Object> settings = Replicas.settings(broker.bootstrapServers(), topic, "0s");
            settings.put("tick-storm.feed.backfill", "2m");
            long startNanos = System.nanoTime();
            try (TickServer server = TestServers.start(settings)) {
                long millis = (System.nanoTime() - startNanos) / 1_000_000;
                double ok = Scrape.metrics(server.metricsPort()).value("tick_storm_feed_ticks_total{result=\"ok\",}");
                System.out.printf("KafkaBacklogIngestIT: server start with rebuild %d ms, %.0f ticks in bars, "
                        + "%.0f ticks/s (see the 'caught up' log line for the source alone)%n", millis, ok,
                        ok * 1000 / millis);
                assertEquals(records, ok, 0.0);
            }
        }
    }
}

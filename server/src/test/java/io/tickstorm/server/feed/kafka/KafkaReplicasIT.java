package io.tickstorm.server.feed.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tickstorm.protocol.FrameType;
import io.tickstorm.protocol.proto.DataBatch;
import io.tickstorm.protocol.proto.SubscribeRequest;
import io.tickstorm.protocol.proto.SubscriptionMode;
import io.tickstorm.protocol.proto.Tick;
import io.tickstorm.server.TickServer;
import io.tickstorm.server.feed.BarMode;
import io.tickstorm.server.feed.MalformedReason;
import io.tickstorm.server.testing.RawClient;
import io.tickstorm.server.testing.Scrape;
import io.tickstorm.server.testing.TestServers;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PROTOCOL.md §6 against a real broker: replicas that start at different times on the same topic (so each
 * rebuilds a different part of its history from the log) send the same SECOND and MINUTE batches, byte for byte but
 * for batch_timestamp_ms, for every interval they all retain; late ticks (explicit record timestamps on a
 * CreateTime topic) are left out alike; malformed records are counted by reason alike; a client that moves from one
 * replica to another with start_time_ms = last + 1 sees the next batch.
 *
 * <p>The carry of quiet symbols, honestly: a symbol whose only tick lies 5 minutes back is carried by replicas whose
 * KAFKA_CARRY_LOOKBACK reaches it, and absent from the bars of one whose lookback does not; everything else is the
 * same on all three.
 */
class KafkaReplicasIT {

    private static final String TOPIC = "ticks-replicas";
        private static final String QUIET = "QUIET";

    private static KafkaTestBroker broker;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = KafkaTestBroker.start();
        broker.createTopic(TOPIC, 3, Map.of());
    }

    @AfterAll
    static void stopBroker() throws Exception {
        if (broker != null) {
            broker.close();
        }
    }

    private static Map<String, Object> replica(String topic, String carryLookback) {
        return Replicas.settings(broker.bootstrapServers(), topic, carryLookback);
    }

    /** One record of each malformed reason, and how many of each. */
    private static Map<MalformedReason, Integer> produceMalformed(KafkaProducer<byte[], byte[]> producer, long nowMs) {
        Map<MalformedReason, Integer> expected = new EnumMap<>(MalformedReason.class);
        producer.send(KafkaTestBroker.record(TOPIC, "AAPL", nowMs, new byte[] {0x0A, 0x05, 'A'}));
        expected.put(MalformedReason.UNPARSEABLE, 1);
        producer.send(KafkaTestBroker.record(TOPIC, "AAPL", nowMs,
                Tick.newBuilder().setTimestampMs(nowMs).setPrice(1).build().toByteArray()));
        expected.put(MalformedReason.MISSING_FIELD, 1);
        producer.send(KafkaTestBroker.record(TOPIC, "AAPL", nowMs, KafkaTestBroker.tick("bad sym", nowMs, 1, 1)));
        expected.put(MalformedReason.BAD_SYMBOL, 1);
        producer.send(KafkaTestBroker.record(TOPIC, "AAPL", nowMs, KafkaTestBroker.tick("AAPL", nowMs, Double.NaN, 1)));
        expected.put(MalformedReason.BAD_NUMBER, 1);
        producer.send(KafkaTestBroker.record(TOPIC, "AAPL", nowMs, Tick.newBuilder().setSymbol("AAPL")
                .setTimestampMs(nowMs).setPrice(10).setBid(10.5).setAsk(10.25).build().toByteArray()));
        expected.put(MalformedReason.CROSSED_QUOTE, 1);
        // Two minutes after its record, and a record stamped five minutes ahead of every clock.
        producer.send(KafkaTestBroker.record(TOPIC, "AAPL", nowMs,
                KafkaTestBroker.tick("AAPL", nowMs + 120_000, 1, 1)));
        producer.send(KafkaTestBroker.record(TOPIC, "AAPL", nowMs + 300_000,
                KafkaTestBroker.tick("AAPL", nowMs + 300_000, 1, 1)));
        expected.put(MalformedReason.FUTURE_TIMESTAMP, 2);
        return expected;
    }

    @Test
    void replicasStartedAtDifferentTimesSendTheSameBars() throws Exception {
        List<TickServer> servers = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> producer = broker.producer()) {
            long startMs = System.currentTimeMillis();
            // A symbol that ticked once, five minutes ago, and never again.
            producer.send(KafkaTestBroker.record(TOPIC, QUIET, startMs - 300_000,
                    KafkaTestBroker.tick(QUIET, startMs - 300_000, 42, 5)));
            Map<MalformedReason, Integer> malformed = produceMalformed(producer, startMs);
            // Keyed WRONG, stamped two minutes back: counted as mis-keyed, and late, so that AAPL's bars stay defined.
            producer.send(KafkaTestBroker.record(TOPIC, "WRONG", startMs,
                    KafkaTestBroker.tick("AAPL", startMs - 120_000, 1, 1)));
            TickStream ticks = new TickStream(producer, TOPIC);

            TickServer first = TestServers.start(replica(TOPIC, "10m"));
            servers.add(first);
            Thread.sleep(2_500);
            TickServer second = TestServers.start(replica(TOPIC, "10m"));
            servers.add(second);
            Thread.sleep(2_500);
            TickServer shortLookback = TestServers.start(replica(TOPIC, "0s"));
            servers.add(shortLookback);
            Thread.sleep(1_500);
            ticks.close();

            long untilMs = (ticks.lastRecordMs() / 1_000 + 3) * 1_000;
            for (TickServer server : servers) {
                Replicas.awaitClosed(server, untilMs);
            }
            long fromMs = Replicas.commonStartMs(BarMode.SECOND, first, second, shortLookback);

            TreeMap<Long, DataBatch> a = Replicas.bars(first, SubscriptionMode.SECOND, fromMs, untilMs);
            TreeMap<Long, DataBatch> b = Replicas.bars(second, SubscriptionMode.SECOND, fromMs, untilMs);
            TreeMap<Long, DataBatch> c = Replicas.bars(shortLookback, SubscriptionMode.SECOND, fromMs, untilMs);
            assertEquals(a.keySet(), b.keySet());
            assertEquals(a.keySet(), c.keySet());
            int traded = 0;
            for (Map.Entry<Long, DataBatch> entry : a.entrySet()) {
                DataBatch expected = entry.getValue();
                assertEquals(expected.toByteString(), b.get(entry.getKey()).toByteString(),
                        "SECOND batch " + entry.getKey() + " of replicas started 2.5 s apart");
                assertEquals(withoutQuiet(expected), c.get(entry.getKey()),
                        "SECOND batch " + entry.getKey() + " without the quiet symbol");
                assertTrue(expected.getTicksList().stream().anyMatch(t -> t.getSymbol().equals(QUIET)),
                        "the quiet symbol is carried where the lookback reaches its tick");
                if (expected.getTicksList().stream().anyMatch(t -> t.getVolume() > 0)) {
                    traded++;
                }
            }
            assertTrue(traded >= 5, "intervals with trades compared: " + traded);

            long fromMinuteMs = Replicas.commonStartMs(BarMode.MINUTE, first, second, shortLookback);
            SubscriptionMode minute = SubscriptionMode.MINUTE;
            TreeMap<Long, DataBatch> minutesA = Replicas.bars(first, minute, fromMinuteMs, untilMs);
            TreeMap<Long, DataBatch> minutesB = Replicas.bars(second, minute, fromMinuteMs, untilMs);
            TreeMap<Long, DataBatch> minutesC = Replicas.bars(shortLookback, minute, fromMinuteMs, untilMs);
            assertFalse(minutesA.isEmpty());
            assertEquals(minutesA, minutesB, "MINUTE batches");
            assertEquals(minutesA.keySet(), minutesC.keySet());
            minutesA.forEach((boundary, batch) -> assertEquals(withoutQuiet(batch), minutesC.get(boundary)));

            double lateA = -1;
            for (TickServer server : servers) {
                Scrape metrics = Scrape.metrics(server.metricsPort());
                malformed.forEach((reason, count) -> assertEquals(count.doubleValue(), metrics.value(
                        "tick_storm_feed_malformed_total{reason=\"" + reason.label() + "\",}"), reason.label()));
                double late = metrics.value("tick_storm_feed_ticks_total{result=\"late\",}");
                assertTrue(late >= ticks.late() + 1, "late " + late + " of " + ticks.late());
                if (lateA < 0) {
                    lateA = late;
                }
                assertEquals(lateA, late, "every replica counts the same late ticks");
                assertEquals(1.0, metrics.value("tick_storm_kafka_key_mismatches_total"));
                assertEquals(3.0, metrics.value("tick_storm_kafka_partitions"));
            }

            // A client moves from the first replica to the second with start_time_ms = last timestamp + 1.
            long last = lastLiveSecond(first);
            Replicas.awaitClosed(second, last * 1_000); // else its current interval ends before the start time
            try (RawClient client = RawClient.connect(second.tickAddress())) {
                client.authenticate();
                client.subscribe(SubscribeRequest.newBuilder().setMode(SubscriptionMode.SECOND)
                        .setStartTimeMs(last * 1_000 + 1).build());
                assertEquals(FrameType.ACK.code(), client.read().type());
                DataBatch next = client.read().batch();
                assertEquals(last + 1, Integer.toUnsignedLong(next.getBatchSequence()), "no gap, no duplicate");
            }
        } finally {
            for (TickServer server : servers) {
                server.close();
            }
        }
    }

    @Test
    void aPublishedRecordingReachesAReplica(@TempDir Path dir) throws Exception {
        String topic = "published";
        broker.createTopic(topic, 2, Map.of("message.timestamp.type", "LogAppendTime"));
        Path recording = dir.resolve("recording.ndjson");
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            String symbol = TickStream.SYMBOLS[i % 3];
            lines.add("{\"symbol\":\"" + symbol + "\",\"timestamp_ms\":" + (1_767_268_800_000L + i * 10)
                    + ",\"price\":" + (100 + i % 7) + ".25,\"volume\":2.0,\"bid\":99.0,\"ask\":110.5,"
                    + "\"bid_size\":3,\"ask_size\":4}");
        }
        lines.add("{\"symbol\":\"AAPL\"}");
        Files.write(recording, lines);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = PublishCommand.run(new String[] {"--bootstrap-servers", broker.bootstrapServers(), "--topic",
            topic, "--format", "json", "--retime", "--rate", "2000", recording.toString()},
                new ByteArrayInputStream(new byte[0]), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(PublishCommand.OK, status, err.toString(StandardCharsets.UTF_8));
        String summary = out.toString(StandardCharsets.UTF_8);
        assertTrue(summary.contains("published 300 ticks to topic published, skipped 1 lines {missing_field=1}"),
                summary);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("ticks sent"), "a progress line");

        Map<String, Object> settings = replica(topic, "10m");
        settings.put("tick-storm.feed.kafka.format", "json");
        try (TickServer server = TestServers.start(settings)) {
            Scrape metrics = Scrape.metrics(server.metricsPort());
            assertEquals(300.0, metrics.value("tick_storm_feed_ticks_total{result=\"ok\",}"),
                    "retimed: every tick counts in its bars, rebuilt from the log");
            assertEquals(0.0, metrics.value("tick_storm_kafka_key_mismatches_total"), "keyed by symbol");
            assertEquals(List.of("AAPL", "GOOG", "MSFT"), server.feed().universe().symbols().stream().sorted()
                    .toList());
        }

        // CSV in, protobuf out: the committed sample recording.
        out.reset();
        status = PublishCommand.run(new String[] {"--bootstrap-servers", broker.bootstrapServers(), "--topic",
            topic, "src/test/resources/ticks/sample.csv"}, new ByteArrayInputStream(new byte[0]),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(PublishCommand.OK, status);
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("published 404 ticks"), out::toString);
    }

    private static DataBatch withoutQuiet(DataBatch batch) {
        DataBatch.Builder builder = batch.toBuilder().clearTicks();
        batch.getTicksList().stream().filter(t -> !t.getSymbol().equals(QUIET)).forEach(builder::addTicks);
        return builder.build();
    }

    /** The sequence of the first live SECOND batch a new subscriber of {@code server} receives. */
    private static long lastLiveSecond(TickServer server) throws Exception {
        try (RawClient client = RawClient.connect(server.tickAddress())) {
            client.authenticate();
            client.subscribe(SubscribeRequest.newBuilder().setMode(SubscriptionMode.SECOND).build());
            assertEquals(FrameType.ACK.code(), client.read().type());
            DataBatch snapshot = client.read().batch();
            assertTrue(snapshot.getIsSnapshot());
            DataBatch live = client.read().batch();
            assertEquals(Integer.toUnsignedLong(snapshot.getBatchSequence()) + 1,
                    Integer.toUnsignedLong(live.getBatchSequence()));
            return Integer.toUnsignedLong(live.getBatchSequence());
        }
    }
}

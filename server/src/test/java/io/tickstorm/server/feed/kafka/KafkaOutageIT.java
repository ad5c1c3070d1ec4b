package io.tickstorm.server.feed.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tickstorm.protocol.FrameType;
import io.tickstorm.protocol.proto.DataBatch;
import io.tickstorm.protocol.proto.SubscribeRequest;
import io.tickstorm.protocol.proto.SubscriptionMode;
import io.tickstorm.server.TickServer;
import io.tickstorm.server.feed.BarMode;
import io.tickstorm.server.testing.RawClient;
import io.tickstorm.server.testing.Scrape;
import io.tickstorm.server.testing.TestServers;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The log out of reach (PROTOCOL.md §6): a replica that starts while the broker is down, or before its topic
 * exists, says so on /health/ready, keeps its tick port closed and serves once the log is back; a replica that
 * loses the broker while running keeps its connections (heartbeats answered), holds its bars, then closes them in
 * order, the same as a replica that rebuilt them from the log afterwards.
 *
 * <p>The broker restart takes about 10 s (the test kit waits until the restarted broker is unfenced).
 */
class KafkaOutageIT {

    private static KafkaTestBroker broker;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = KafkaTestBroker.start();
    }

    @AfterAll
    static void stopBroker() throws Exception {
        if (broker != null) {
            broker.close();
        }
    }

    private static int freePort() throws Exception {
        try (ServerSocket probe = new ServerSocket(0)) {
            return probe.getLocalPort();
        }
    }

    /** Starts a server on another thread: start() returns only once its history is rebuilt. */
    private static CompletableFuture<TickServer> startInBackground(Map<String, Object> settings) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return TestServers.start(settings);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /** Waits until /health/ready answers 503 with a reason containing every one of {@code parts}. */
    private static String awaitNotReady(int metricsPort, String... parts) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        String last = "";
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<String> ready = Scrape.get(metricsPort, "/health/ready");
                last = ready.statusCode() + " " + ready.body();
                boolean all = ready.statusCode() == 503;
                for (String part : parts) {
                    all &= ready.body().contains(part);
                }
                if (all) {
                    return ready.body();
                }
            } catch (java.io.IOException notYetBound) {
                last = notYetBound.toString();
            }
            Thread.sleep(100);
        }
        throw new AssertionError("/health/ready never said " + List.of(parts) + "; last: " + last);
    }

    @Test
    void aReplicaWaitsForAMissingTopicAndServesOnceItExists() throws Exception {
        String topic = "created-late";
        int metricsPort = freePort();
        Map<String, Object> settings = Replicas.settings(broker.bootstrapServers(), topic, "10m");
        settings.put("tick-storm.metrics-addr", "127.0.0.1:" + metricsPort);
        CompletableFuture<TickServer> starting = startInBackground(settings);
        try {
            awaitNotReady(metricsPort, "starting", "topic " + topic + " not found");
            assertEquals(503, Scrape.get(metricsPort, "/health/startup").statusCode());
            broker.createTopic(topic, 2, Map.of());
            try (KafkaProducer<byte[], byte[]> producer = broker.producer()) {
                long now = System.currentTimeMillis();
                producer.send(KafkaTestBroker.record(topic, "AAPL", now, KafkaTestBroker.tick("AAPL", now, 12.5, 3)))
                        .get(10, TimeUnit.SECONDS);
            }
            TickServer server = starting.get(60, TimeUnit.SECONDS);
            assertEquals(200, Scrape.get(metricsPort, "/health/ready").statusCode());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (server.feed().universe().indexOf("AAPL") < 0
                    || server.feed().history().latest(BarMode.SECOND).byName().length == 0) {
                assertTrue(System.nanoTime() < deadline, "the tick never reached a bar");
                Thread.sleep(20);
            }
        } finally {
            starting.thenAccept(TickServer::close);
        }
    }

    @Test
    void partitionsAddedWhileRunningAreRead() throws Exception {
        String topic = "growing";
        broker.createTopic(topic, 1, Map.of());
        Map<String, Object> settings = Replicas.settings(broker.bootstrapServers(), topic, "10m");
        settings.put("tick-storm.feed.kafka.partition-refresh", "1s");
        try (TickServer server = TestServers.start(settings);
             KafkaProducer<byte[], byte[]> producer = broker.producer()) {
            broker.addPartitions(topic, 3);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (Scrape.metrics(server.metricsPort()).value("tick_storm_kafka_partitions") < 3) {
                assertTrue(System.nanoTime() < deadline, "the new partitions were never read");
                Thread.sleep(100);
            }
            long now = System.currentTimeMillis();
            producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(topic, 2, now, "NEWP".getBytes(),
                    KafkaTestBroker.tick("NEWP", now, 7, 1))).get(10, TimeUnit.SECONDS);
            while (server.feed().history().latest(BarMode.SECOND).byName().length == 0) {
                assertTrue(System.nanoTime() < deadline, "the tick of the new partition never reached a bar");
                Thread.sleep(20);
            }
            assertEquals("NEWP", server.feed().universe().symbol(
                    server.feed().history().latest(BarMode.SECOND).byName()[0]));
        }
    }

    @Test
    void aBrokerOutageDelaysBarsButLosesNothing() throws Exception {
        String topic = "outage";
        // LogAppendTime, as PROTOCOL.md §6 recommends: records a producer holds through the outage are stamped when
        // the log finally takes them, so every replica judges them alike (late for the intervals they missed). On a
        // CreateTime topic they would keep their send time and arrive far beyond KAFKA_RECORD_DELAY, which a replica
        // that was running cannot tell from a record that was always there.
        broker.createTopic(topic, 2, Map.of("message.timestamp.type", "LogAppendTime"));
        List<TickServer> servers = new ArrayList<>();
        CompletableFuture<TickServer> starting = null;
        try (KafkaProducer<byte[], byte[]> producer = broker.producer()) {
            TickStream ticks = new TickStream(producer, topic);
            TickServer running = TestServers.start(Replicas.settings(broker.bootstrapServers(), topic, "10m"));
            servers.add(running);
            List<DataBatch> received = new ArrayList<>();
            try (RawClient client = RawClient.connect(running.tickAddress())) {
                client.authenticate();
                client.subscribe(SubscribeRequest.newBuilder().setMode(SubscriptionMode.SECOND).build());
                assertEquals(FrameType.ACK.code(), client.read().type());
                assertTrue(client.read().batch().getIsSnapshot());
                receiveFor(client, received, 2_000);

                long stoppedMs = System.currentTimeMillis();
                broker.stop();
                // A second replica starts while the broker is down: not ready, saying why, port closed.
                int metricsPort = freePort();
                Map<String, Object> settings = Replicas.settings(broker.bootstrapServers(), topic, "10m");
                settings.put("tick-storm.metrics-addr", "127.0.0.1:" + metricsPort);
                starting = startInBackground(settings);
                awaitNotReady(metricsPort, "starting: rebuilding history from the log", "brokers");
                receiveFor(client, received, 1_000); // heartbeats answered all along
                long closedMs = running.feed().history().latest(BarMode.SECOND).boundaryMs();
                assertTrue(closedMs <= stoppedMs + 1_000, "bars were invented while the broker was down: "
                        + closedMs + " closed, stopped at " + stoppedMs);

                broker.restart();
                TickServer restarted = starting.get(60, TimeUnit.SECONDS);
                servers.add(restarted);
                long backMs = System.currentTimeMillis();
                receiveFor(client, received, 3_000);
                assertTrue(Integer.toUnsignedLong(received.get(received.size() - 1).getBatchSequence()) * 1_000
                        > backMs, "bars caught up after the outage");
            }
            for (int i = 1; i < received.size(); i++) {
                assertEquals(Integer.toUnsignedLong(received.get(i - 1).getBatchSequence()) + 1,
                        Integer.toUnsignedLong(received.get(i).getBatchSequence()), "no gap across the outage");
            }
            ticks.close();

            TickServer rebuilt = servers.get(1);
            long untilMs = (ticks.lastRecordMs() / 1_000 + 3) * 1_000;
            Replicas.awaitClosed(running, untilMs);
            Replicas.awaitClosed(rebuilt, untilMs);
            long fromMs = Replicas.commonStartMs(BarMode.SECOND, running, rebuilt);
            TreeMap<Long, DataBatch> live = Replicas.bars(running, SubscriptionMode.SECOND, fromMs, untilMs);
            TreeMap<Long, DataBatch> fromLog = Replicas.bars(rebuilt, SubscriptionMode.SECOND, fromMs, untilMs);
            assertEquals(live.keySet(), fromLog.keySet());
            int traded = 0;
            for (Map.Entry<Long, DataBatch> entry : live.entrySet()) {
                assertEquals(entry.getValue(), fromLog.get(entry.getKey()), "SECOND batch " + entry.getKey());
                traded += entry.getValue().getTicksList().stream().anyMatch(t -> t.getVolume() > 0) ? 1 : 0;
            }
            assertTrue(traded >= 5, "intervals with trades compared: " + traded);
        } finally {
            if (starting != null) {
                starting.thenAccept(TickServer::close);
            }
            for (TickServer server : servers) {
                server.close();
            }
        }
    }

    /** Heartbeats every 300 ms for {@code millis}, collecting the DATA_BATCHes; every heartbeat must be answered. */
    private static void receiveFor(RawClient client, List<DataBatch> received, long millis) throws Exception {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        long sequence = received.size() * 1_000L;
        while (System.nanoTime() < end) {
            client.heartbeat(++sequence);
            while (true) {
                RawClient.Received frame = client.read();
                assertNotNull(frame);
                if (frame.type() == FrameType.PONG.code()) {
                    break;
                }
                assertEquals(FrameType.DATA_BATCH.code(), frame.type(), frame::toString);
                received.add(frame.batch());
            }
            Thread.sleep(300);
        }
    }
}

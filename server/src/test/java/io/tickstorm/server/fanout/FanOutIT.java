package io.tickstorm.server.fanout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.tickstorm.protocol.client.TickClient;
import io.tickstorm.protocol.client.TickClientOptions;
import io.tickstorm.protocol.proto.DataBatch;
import io.tickstorm.protocol.proto.SubscriptionMode;
import io.tickstorm.protocol.proto.Tick;
import io.tickstorm.server.TickServer;
import io.tickstorm.server.testing.TestServers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Many subscribers across the three modes and several symbol filters, for several seconds, through the Java client:
 * each gets a snapshot and then contiguous sequences, only ticks of its symbols and mode, bars on whole seconds.
 */
class FanOutIT {

    private static final List<String> ALL = List.of();
    private static TickServer server;
    private static EventLoopGroup clients;

    @BeforeAll
    static void start() throws Exception {
        server = TestServers.start(Map.of("tick-storm.feed.rate", 3000));
        clients = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    }

    @AfterAll
    static void stop() {
        server.close();
        clients.shutdownGracefully().syncUninterruptibly();
    }

    private record Subscription(SubscriptionMode mode, List<String> symbols, TickClient client,
            RecordingListener listener) {
    }

    private static Subscription subscribe(SubscriptionMode mode, List<String> symbols) {
        RecordingListener listener = new RecordingListener();
        TickClientOptions options = TickClientOptions.builder().host("127.0.0.1").port(server.tickAddress().getPort())
                .tls(false).credentials(TestServers.USER, TestServers.PASSWORD)
                .heartbeatInterval(Duration.ofSeconds(2)).build();
        TickClient client = new TickClient(options, listener, clients, null);
        client.connectAndAuthenticate();
        client.subscribe(mode, symbols, 0);
        return new Subscription(mode, symbols, client, listener);
    }

    @Test
    void everySubscriberGetsASnapshotThenContiguousBatchesOfItsOwnSymbolsAndMode() throws Exception {
        List<Subscription> subscriptions = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            subscriptions.add(subscribe(SubscriptionMode.SECOND, ALL));
            subscriptions.add(subscribe(SubscriptionMode.SECOND, List.of("AAPL", "MSFT")));
            subscriptions.add(subscribe(SubscriptionMode.SECOND, List.of("MSFT", "AAPL", "AAPL")));
            subscriptions.add(subscribe(SubscriptionMode.MINUTE, List.of("SPY")));
            subscriptions.add(subscribe(SubscriptionMode.REALTIME, ALL));
            subscriptions.add(subscribe(SubscriptionMode.REALTIME, List.of("AAPL")));
            subscriptions.add(subscribe(SubscriptionMode.REALTIME, List.of("SPY", "QQQ", "EURUSD")));
        }
        Thread.sleep(3_500);
        for (Subscription subscription : subscriptions) {
            subscription.client().close();
        }
        int universe = server.feed().universe().size();
        for (Subscription s : subscriptions) {
            String who = s.mode() + " " + s.symbols();
            assertTrue(s.listener().problems.isEmpty(), () -> who + ": " + s.listener().problems);
            List<DataBatch> batches = s.listener().batches;
            assertFalse(batches.isEmpty(), who + " got nothing");
            Set<String> wanted = new HashSet<>(s.symbols().isEmpty() ? server.feed().universe().symbols()
                    : s.symbols());
            DataBatch snapshot = batches.get(0);
            assertTrue(snapshot.getIsSnapshot(), who + ": the first batch is the snapshot");
            assertEquals(wanted.size(), snapshot.getTicksCount(), who + ": one tick per subscribed symbol");
            if (s.mode() != SubscriptionMode.MINUTE) {
                assertTrue(batches.size() >= 3, who + " got " + batches.size() + " batches");
            }
            for (int b = 1; b < batches.size(); b++) {
                DataBatch batch = batches.get(b);
                assertFalse(batch.getIsSnapshot(), who);
                assertEquals(batches.get(b - 1).getBatchSequence() + 1, batch.getBatchSequence(), who + " sequence");
                if (s.mode() == SubscriptionMode.SECOND) {
                    assertEquals(wanted.size(), batch.getTicksCount(), who + ": one bar per symbol");
                }
            }
            for (DataBatch batch : batches) {
                for (Tick tick : batch.getTicksList()) {
                    assertTrue(wanted.contains(tick.getSymbol()), who + " got " + tick.getSymbol());
                    assertEquals(s.mode(), tick.getMode(), who);
                    assertTrue(tick.getBid() < tick.getAsk() && tick.getPrice() > 0 && tick.getBidSize() > 0, who);
                    if (s.mode() == SubscriptionMode.SECOND) {
                        assertEquals(0, tick.getTimestampMs() % 1_000, who + ": bars sit on whole seconds");
                        assertEquals(batch.getBatchSequence(), tick.getTimestampMs() / 1_000, who);
                    } else if (s.mode() == SubscriptionMode.MINUTE) {
                        assertEquals(0, tick.getTimestampMs() % 60_000, who + ": bars sit on whole minutes");
                        assertEquals(batch.getBatchSequence(), tick.getTimestampMs() / 60_000, who);
                    }
                }
            }
        }
        assertTrue(universe >= 100);
    }
}

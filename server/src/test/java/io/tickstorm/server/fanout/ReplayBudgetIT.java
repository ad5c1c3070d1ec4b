package io.tickstorm.server.fanout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tickstorm.protocol.FrameType;
import io.tickstorm.protocol.proto.DataBatch;
import io.tickstorm.protocol.proto.SubscribeRequest;
import io.tickstorm.protocol.proto.SubscriptionMode;
import io.tickstorm.server.TickServer;
import io.tickstorm.server.feed.BarMode;
import io.tickstorm.server.testing.RawClient;
import io.tickstorm.server.testing.TestServers;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Replay is streamed as the connection drains, inside the outbound budget (PROTOCOL.md §5.3, §5.8; issue 12 item
 * 6). The universe and history are sized so that one full replay (about 5 MB) is many times the budget and more than
 * the kernel's socket buffers absorb.
 */
class ReplayBudgetIT {

    private static final int SYMBOLS = 300;
    private static final long BUDGET_BYTES = 256 * 1024;
    private static final int STALLED_REPLAYS = 150;

    private static TickServer server;

    @BeforeAll
    static void start() throws Exception {
        String symbols = IntStream.range(0, SYMBOLS).mapToObj(i -> String.format("S%03d", i))
                .collect(Collectors.joining(","));
        server = TestServers.start(Map.of(
                "tick-storm.feed.symbols", symbols,
                "tick-storm.feed.backfill", "4m",
                "tick-storm.write.outbound-budget", BUDGET_BYTES,
                "tick-storm.write.high-water-mark", "128KiB",
                // The stalled replays must stay connected while the test looks at what they hold.
                "tick-storm.write.deadline", "60s",
                "tick-storm.heartbeat.timeout", "60s",
                // This JVM holds the client end of every connection too: keep those descriptors out of a breach.
                "tick-storm.limits.fd-reserve", 4096));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static long oldestRetainedMs() {
        return server.feed().history().oldestRetainedMs(BarMode.SECOND);
    }

    private static SubscribeRequest fullReplay() {
        return SubscribeRequest.newBuilder().setMode(SubscriptionMode.SECOND).setStartTimeMs(oldestRetainedMs())
                .build();
    }

    @Test
    void stalledFullReplaysHoldNoMoreThanTheirBudgetsWhileAReadingReplayGetsEveryBarOnce() throws Exception {
        List<RawClient> stalled = new ArrayList<>();
        try {
            for (int i = 0; i < STALLED_REPLAYS; i++) {
                RawClient client = RawClient.connectWithReceiveBuffer(server.tickAddress(), 4096);
                stalled.add(client);
                client.authenticate();
                client.subscribe(fullReplay());
                assertWithinBudgets(stalled.size());
            }
            List<DataBatch> replayed = readFullReplayThenLive(3);
            for (int i = 0; i < 100; i++) {
                assertWithinBudgets(stalled.size());
                Thread.sleep(10);
            }
            assertEquals(STALLED_REPLAYS, server.connections(), "the stalled replays are still connected");
            assertEveryBarOnce(replayed);
        } finally {
            for (RawClient client : stalled) {
                client.close();
            }
        }
    }

    private static void assertWithinBudgets(int connections) {
        long pendingBytes = server.pendingOutboundBytes();
        assertTrue(pendingBytes <= connections * BUDGET_BYTES, () -> pendingBytes + " bytes queued for "
                + connections + " stalled replays, more than their budgets");
    }

    /**
     * A reading client replays everything while the stalled ones hold their share. It pauses in the middle, so
     * that bars close while it replays and the replay has to pick them up from the history at the seam.
     */
    private static List<DataBatch> readFullReplayThenLive(int liveBatches) throws Exception {
        try (RawClient client = RawClient.connect(server.tickAddress())) {
            client.authenticate();
            long startMs = oldestRetainedMs();
            client.subscribe(SubscribeRequest.newBuilder().setMode(SubscriptionMode.SECOND).setStartTimeMs(startMs)
                    .build());
            assertEquals(FrameType.ACK.code(), client.read().type());
            List<DataBatch> batches = new ArrayList<>();
            int live = 0;
            while (live < liveBatches) {
                DataBatch batch = client.read().batch();
                batches.add(batch);
                if (batches.size() == 20) {
                    Thread.sleep(2_500);
                }
                if (!batch.getIsSnapshot()) {
                    live++;
                }
            }
            assertEquals(startMs / 1000, Integer.toUnsignedLong(batches.get(0).getBatchSequence()),
                    "the replay starts at the requested bar");
            return batches;
        }
    }

    private static void assertEveryBarOnce(List<DataBatch> batches) {
        assertTrue(batches.size() > 200, "about four minutes of history, got " + batches.size());
        boolean live = false;
        for (int i = 0; i < batches.size(); i++) {
            DataBatch batch = batches.get(i);
            assertEquals(SYMBOLS, batch.getTicksCount());
            assertEquals(Integer.toUnsignedLong(batch.getBatchSequence()) * 1000, batch.getTicks(0).getTimestampMs());
            if (i > 0) {
                assertEquals(Integer.toUnsignedLong(batches.get(i - 1).getBatchSequence()) + 1,
                        Integer.toUnsignedLong(batch.getBatchSequence()), "no gap, no duplicate, at " + i);
            }
            assertTrue(!live || !batch.getIsSnapshot(), "history first, then live");
            live |= !batch.getIsSnapshot();
        }
    }
}

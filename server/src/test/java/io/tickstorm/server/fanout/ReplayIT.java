package io.tickstorm.server.fanout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tickstorm.protocol.FrameType;
import io.tickstorm.protocol.proto.DataBatch;
import io.tickstorm.protocol.proto.SubscribeRequest;
import io.tickstorm.protocol.proto.SubscriptionMode;
import io.tickstorm.server.TickServer;
import io.tickstorm.server.testing.RawClient;
import io.tickstorm.server.testing.TestServers;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Replay from start_time_ms (PROTOCOL.md §5.3): history first, then live, contiguous, no duplicate at the seam. */
class ReplayIT {

    private static TickServer server;

    @BeforeAll
    static void start() throws Exception {
        server = TestServers.start(Map.of());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static List<DataBatch> subscribeAndRead(long startTimeMs, int liveBatches) throws Exception {
        try (RawClient client = RawClient.connect(server.tickAddress())) {
            client.authenticate();
            client.subscribe(SubscribeRequest.newBuilder().setMode(SubscriptionMode.SECOND).addSymbols("AAPL")
                    .addSymbols("EURUSD").setStartTimeMs(startTimeMs).build());
            assertEquals(FrameType.ACK.code(), client.read().type());
            List<DataBatch> batches = new ArrayList<>();
            int live = 0;
            while (live < liveBatches) {
                DataBatch batch = client.read().batch();
                batches.add(batch);
                if (!batch.getIsSnapshot()) {
                    live++;
                }
            }
            return batches;
        }
    }

    @Test
    void replaysRetainedBarsThenContinuesLiveWithoutGapOrDuplicate() throws Exception {
        long start = (System.currentTimeMillis() / 1000 - 5) * 1000;
        List<DataBatch> batches = subscribeAndRead(start, 2);
        assertTrue(batches.get(0).getIsSnapshot());
        assertEquals(start / 1000, batches.get(0).getBatchSequence(), "the first replayed bar is the start boundary");
        for (int i = 1; i < batches.size(); i++) {
            assertEquals(batches.get(i - 1).getBatchSequence() + 1, batches.get(i).getBatchSequence());
            assertFalse(batches.get(i - 1).getIsSnapshot() && !batches.get(i).getIsSnapshot()
                    && batches.get(i).getBatchSequence() <= batches.get(i - 1).getBatchSequence());
        }
        long replayed = batches.stream().filter(DataBatch::getIsSnapshot).count();
        assertTrue(replayed >= 5, "about five seconds of history, got " + replayed);
        for (DataBatch batch : batches) {
            assertEquals(2, batch.getTicksCount());
            assertEquals(Integer.toUnsignedLong(batch.getBatchSequence()) * 1000, batch.getTicks(0).getTimestampMs());
        }
    }

    @Test
    void reconnectingWithLastTimestampPlusOneLosesNothing() throws Exception {
        List<DataBatch> first = subscribeAndRead(0, 2);
        DataBatch last = first.get(first.size() - 1);
        List<DataBatch> resumed = subscribeAndRead(last.getTicks(0).getTimestampMs() + 1, 1);
        assertEquals(last.getBatchSequence() + 1, resumed.get(0).getBatchSequence(),
                "the next batch after a reconnect is the one after the last seen");
    }

    @Test
    void aStartTimeOlderThanTheRetentionIsInvalid() throws Exception {
        try (RawClient client = RawClient.connect(server.tickAddress())) {
            client.authenticate();
            client.subscribe(SubscribeRequest.newBuilder().setMode(SubscriptionMode.SECOND)
                    .setStartTimeMs(System.currentTimeMillis() - 3_600_000).build());
            assertEquals("start_time_ms", client.expectError(io.tickstorm.protocol.proto.ErrorCode.INVALID_SUBSCRIPTION)
                    .getDetails());
        }
    }
}

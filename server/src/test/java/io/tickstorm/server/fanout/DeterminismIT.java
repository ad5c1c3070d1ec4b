package io.tickstorm.server.fanout;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tickstorm.protocol.FrameType;
import io.tickstorm.protocol.proto.DataBatch;
import io.tickstorm.protocol.proto.SubscribeRequest;
import io.tickstorm.protocol.proto.SubscriptionMode;
import io.tickstorm.protocol.proto.Tick;
import io.tickstorm.server.TickServer;
import io.tickstorm.server.testing.RawClient;
import io.tickstorm.server.testing.TestServers;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Two servers with the same seed, started apart, publish identical SECOND bars for the same boundaries. */
class DeterminismIT {

    private static Map<Long, String> bars(TickServer server, int count) throws Exception {
        Map<Long, String> bars = new TreeMap<>();
        try (RawClient client = RawClient.connect(server.tickAddress())) {
            client.authenticate();
            client.subscribe(SubscribeRequest.newBuilder().setMode(SubscriptionMode.SECOND)
                    .setStartTimeMs((System.currentTimeMillis() / 1000 - 3) * 1000).build());
            assertEquals(FrameType.ACK.code(), client.read().type());
            while (bars.size() < count) {
                DataBatch batch = client.read().batch();
                StringBuilder text = new StringBuilder();
                for (Tick tick : batch.getTicksList()) {
                    text.append(tick.toBuilder().build().toString());
                }
                bars.put((long) batch.getBatchSequence(), text.toString());
            }
        }
        return bars;
    }

    @Test
    void sameSeedSameBarsWhateverTheStartTime() throws Exception {
        Map<String, Object> settings = Map.of("tick-storm.feed.seed", 4242, "tick-storm.feed.backfill", "10s");
        try (TickServer first = TestServers.start(settings)) {
            Thread.sleep(1_500);
            try (TickServer second = TestServers.start(settings)) {
                Map<Long, String> a = bars(first, 6);
                Map<Long, String> b = bars(second, 6);
                int compared = 0;
                for (Map.Entry<Long, String> bar : a.entrySet()) {
                    if (b.containsKey(bar.getKey())) {
                        assertEquals(bar.getValue(), b.get(bar.getKey()), "bar " + bar.getKey());
                        compared++;
                    }
                }
                assertEquals(true, compared >= 4, "compared " + compared + " boundaries");
            }
        }
    }
}

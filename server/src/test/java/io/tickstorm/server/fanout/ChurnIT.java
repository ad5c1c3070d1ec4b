package io.tickstorm.server.fanout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tickstorm.protocol.FrameType;
import io.tickstorm.protocol.proto.SubscribeRequest;
import io.tickstorm.protocol.proto.SubscriptionMode;
import io.tickstorm.protocol.testing.LeakDetectionExtension;
import io.tickstorm.server.TickServer;
import io.tickstorm.server.testing.RawClient;
import io.tickstorm.server.testing.TestServers;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Reference-count hygiene: subscribe / unsubscribe / disconnect churn across every mode (some clients leave mid-stream,
 * some before their snapshot, some with a fatal error) leaks no buffer under paranoid leak detection, and every
 * stream ends when its last subscriber leaves.
 */
class ChurnIT {

    @Test
    void churnLeaksNothingAndEndsEveryStream() throws Exception {
        SplittableRandom random = new SplittableRandom(11);
        List<String> symbols = List.of("AAPL", "MSFT", "SPY", "EURUSD", "BTC-USD");
        try (TickServer server = TestServers.start(Map.of("tick-storm.feed.rate", 20_000))) {
            for (int i = 0; i < 150; i++) {
                try (RawClient client = RawClient.connect(server.tickAddress())) {
                    client.authenticate();
                    SubscriptionMode mode = SubscriptionMode.forNumber(1 + random.nextInt(3));
                    SubscribeRequest.Builder request = SubscribeRequest.newBuilder().setMode(mode);
                    if (random.nextBoolean()) {
                        request.addSymbols(symbols.get(random.nextInt(symbols.size())));
                    }
                    client.subscribe(request.build());
                    int action = random.nextInt(4);
                    if (action == 0) {
                        continue;
                    }
                    assertEquals(FrameType.ACK.code(), client.read().type());
                    if (action == 1) {
                        client.read();
                    } else if (action == 2) {
                        client.sendRaw(new byte[] {0x00});
                    } else if (mode == SubscriptionMode.REALTIME) {
                        for (int b = 0; b < 5; b++) {
                            client.read();
                        }
                    }
                }
            }
            long deadline = System.currentTimeMillis() + 10_000;
            while (server.connections() > 0 && System.currentTimeMillis() < deadline) {
                Thread.sleep(20);
            }
            assertEquals(0, server.connections());
            assertEquals(0.0, server.metrics().registry().getSampleValue("tick_storm_streams"));
        }
        List<String> leaks = LeakDetectionExtension.collectLeaks();
        assertTrue(leaks.isEmpty(), () -> String.join("\n", leaks));
    }
}

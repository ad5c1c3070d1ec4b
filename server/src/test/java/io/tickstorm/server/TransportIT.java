package io.tickstorm.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tickstorm.protocol.FrameType;
import io.tickstorm.protocol.proto.DataBatch;
import io.tickstorm.protocol.proto.SubscribeRequest;
import io.tickstorm.protocol.proto.SubscriptionMode;
import io.tickstorm.server.testing.RawClient;
import io.tickstorm.server.testing.TestServers;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every transport serves a whole session: AUTH, SUBSCRIBE, snapshot and live REALTIME batches in sequence. */
class TransportIT {

    @ParameterizedTest
    @ValueSource(strings = {"epoll", "io_uring", "nio"})
    void everyTransportServesASession(String transport) throws Exception {
        try (TickServer server = TestServers.start(Map.of("tick-storm.transport", transport,
                "tick-storm.feed.rate", 1_000));
                RawClient client = RawClient.connect(server.tickAddress())) {
            assertTrue(client.authenticate().getSuccess());
            client.subscribe(SubscribeRequest.newBuilder().setMode(SubscriptionMode.REALTIME).build());
            assertEquals(FrameType.ACK.code(), client.read().type());
            DataBatch snapshot = client.read().batch();
            assertTrue(snapshot.getIsSnapshot());
            long previous = snapshot.getBatchSequence();
            for (int i = 0; i < 20; i++) {
                DataBatch batch = client.read().batch();
                assertEquals(previous + 1, batch.getBatchSequence());
                previous = batch.getBatchSequence();
            }
        }
    }
}

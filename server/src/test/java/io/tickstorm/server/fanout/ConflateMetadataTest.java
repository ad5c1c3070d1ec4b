package io.tickstorm.server.fanout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.tickstorm.protocol.proto.SubscribeRequest;
import io.tickstorm.protocol.proto.SubscriptionMode;
import org.junit.jupiter.api.Test;

class ConflateMetadataTest {

    private static SubscribeRequest request(SubscriptionMode mode, String conflateMs, long startTimeMs) {
        return SubscribeRequest.newBuilder().setMode(mode).setStartTimeMs(startTimeMs)
                .putMetadata("conflate_ms", conflateMs).putMetadata("other", "ignored").build();
    }

    @Test
    void readsAnIntegerFromTenToSixtyThousandForRealtime() throws Exception {
        assertEquals(0, ConflateMetadata.conflateMs(SubscribeRequest.newBuilder()
                .setMode(SubscriptionMode.REALTIME).putMetadata("other", "x").build()), "absent: not conflated");
        assertEquals(10, ConflateMetadata.conflateMs(request(SubscriptionMode.REALTIME, "10", 0)));
        assertEquals(500, ConflateMetadata.conflateMs(request(SubscriptionMode.REALTIME, "500", 0)));
        assertEquals(60_000, ConflateMetadata.conflateMs(request(SubscriptionMode.REALTIME, "60000", 0)));
    }

    @Test
    void rejectsAnythingElseNamingConflateMs() {
        for (String bad : new String[] {"", "9", "60001", "-500", "+500", "500ms", "0.5", " 500", "99999999999999",
                "0"}) {
            SubscriptionRejectedException rejected = assertThrows(SubscriptionRejectedException.class,
                    () -> ConflateMetadata.conflateMs(request(SubscriptionMode.REALTIME, bad, 0)), bad);
            assertEquals("conflate_ms", rejected.field(), bad);
        }
        for (SubscriptionMode mode : new SubscriptionMode[] {SubscriptionMode.SECOND, SubscriptionMode.MINUTE}) {
            assertEquals("conflate_ms", assertThrows(SubscriptionRejectedException.class,
                    () -> ConflateMetadata.conflateMs(request(mode, "500", 0))).field());
        }
        assertEquals("conflate_ms", assertThrows(SubscriptionRejectedException.class,
                () -> ConflateMetadata.conflateMs(request(SubscriptionMode.REALTIME, "500", 1_000))).field());
    }
}

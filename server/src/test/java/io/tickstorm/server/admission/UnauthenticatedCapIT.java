package io.tickstorm.server.admission;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tickstorm.protocol.FrameType;
import io.tickstorm.protocol.proto.DataBatch;
import io.tickstorm.protocol.proto.ErrorCode;
import io.tickstorm.protocol.proto.ErrorResponse;
import io.tickstorm.protocol.proto.SubscribeRequest;
import io.tickstorm.protocol.proto.SubscriptionMode;
import io.tickstorm.server.TickServer;
import io.tickstorm.server.testing.RawClient;
import io.tickstorm.server.testing.TestServers;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 12 item 8: one address holding sockets that never AUTH cannot keep others out. The connection cap is 320,
 * 310 connections may be unauthenticated and one address may hold 300 of them: without that per-address cap the
 * silent sockets of 127.0.0.2 would take every slot.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class UnauthenticatedCapIT {

    private static final int CAP = 320;
    private static final int PER_ADDRESS = 300;
    private static final String ACTIVE = "tick_storm_active_connections";
    private static final String UNAUTHENTICATED = "tick_storm_unauthenticated_connections";
    private static final String REFUSALS =
            "tick_storm_connections_rejected_total{reason=\"unauthenticated_address_cap\",}";

    @Test
    void silentSocketsFromOneAddressStopAtItsCapWhileAnotherAddressLogsInAndGetsData() throws Exception {
        try (TickServer server = TestServers.start(Map.of(
                "tick-storm.limits.max-connections", CAP,
                "tick-storm.admission.max-unauthenticated-connections", PER_ADDRESS + 10,
                "tick-storm.admission.max-unauthenticated-per-address", PER_ADDRESS,
                // Long enough that the auth timeout does not free any silent socket during the test.
                "tick-storm.auth.timeout", "2m"));
                OpenConnections<RawClient> silent = new OpenConnections<>()) {
            MetricsScraper scraper = new MetricsScraper(server.metricsPort());
            for (int i = 0; i < PER_ADDRESS; i++) {
                silent.add(RawClient.connectFrom("127.0.0.2", server.tickAddress()));
            }
            scraper.await(ACTIVE, PER_ADDRESS);

            for (int i = 0; i < 3; i++) {
                try (RawClient refused = RawClient.connectFrom("127.0.0.2", server.tickAddress())) {
                    ErrorResponse error = refused.expectErrorThenClose(ErrorCode.SERVER_OVERLOADED);
                    assertEquals("per-address unauthenticated-connection cap " + PER_ADDRESS + " reached",
                            error.getDetails());
                }
            }
            assertEquals(3, scraper.value(REFUSALS));
            assertEquals(PER_ADDRESS, scraper.value(UNAUTHENTICATED));

            try (RawClient legitimate = RawClient.connectFrom("127.0.0.3", server.tickAddress())) {
                legitimate.authenticate();
                legitimate.subscribe(SubscribeRequest.newBuilder().setMode(SubscriptionMode.SECOND)
                        .addSymbols("AAPL").build());
                assertEquals(FrameType.ACK.code(), legitimate.read().type());
                DataBatch snapshot = legitimate.read().batch();
                assertTrue(snapshot.getIsSnapshot());
                DataBatch live = legitimate.read().batch();
                assertEquals(snapshot.getBatchSequence() + 1, live.getBatchSequence(), "live data follows");
                assertEquals(PER_ADDRESS, scraper.value(UNAUTHENTICATED), "the logged-in client left that count");
            }

            silent.close();
            scraper.await(UNAUTHENTICATED, 0);
            try (RawClient again = RawClient.connectFrom("127.0.0.2", server.tickAddress())) {
                again.authenticate();
            }
        }
    }
}

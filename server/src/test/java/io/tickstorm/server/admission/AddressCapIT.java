package io.tickstorm.server.admission;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tickstorm.protocol.proto.ErrorCode;
import io.tickstorm.protocol.proto.ErrorResponse;
import io.tickstorm.server.TickServer;
import io.tickstorm.server.testing.RawClient;
import io.tickstorm.server.testing.TestServers;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The per-source-address cap ({@code MAX_CONNECTIONS_PER_IP}) over real sockets from two loopback addresses. */
class AddressCapIT {

    private static final int PER_ADDRESS = 3;
    private static final String ADDRESS_REFUSALS = "tick_storm_connections_rejected_total{reason=\"address_cap\",}";
    private static final String ACTIVE = "tick_storm_active_connections";

    @Test
    void addressPastItsCapIsRefusedWhileAnotherAddressStillGetsIn() throws Exception {
        try (TickServer server = TestServers.start(Map.of(
                "tick-storm.admission.max-connections-per-address", PER_ADDRESS));
                OpenConnections<RawClient> clients = new OpenConnections<>()) {
            MetricsScraper scraper = new MetricsScraper(server.metricsPort());
            for (int i = 0; i < PER_ADDRESS; i++) {
                clients.add(RawClient.connectFrom("127.0.0.1", server.tickAddress())).authenticate();
            }

            try (RawClient fourth = RawClient.connectFrom("127.0.0.1", server.tickAddress())) {
                ErrorResponse error = fourth.expectErrorThenClose(ErrorCode.SERVER_OVERLOADED);
                assertTrue(error.getDetails().contains("per-address cap " + PER_ADDRESS), error::getDetails);
            }
            assertEquals(1, scraper.value(ADDRESS_REFUSALS));

            clients.add(RawClient.connectFrom("127.0.0.3", server.tickAddress())).authenticate();
            assertEquals(PER_ADDRESS + 1, scraper.value(ACTIVE));

            clients.closeOldest();
            scraper.await(ACTIVE, PER_ADDRESS);
            clients.add(RawClient.connectFrom("127.0.0.1", server.tickAddress())).authenticate();
            assertEquals(1, scraper.value(ADDRESS_REFUSALS));
        }
    }
}

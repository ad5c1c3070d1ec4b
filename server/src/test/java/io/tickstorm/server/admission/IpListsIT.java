package io.tickstorm.server.admission;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tickstorm.server.TickServer;
import io.tickstorm.server.testing.RawClient;
import io.tickstorm.server.testing.TestServers;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code IP_ALLOWLIST} / {@code IP_BLOCKLIST} against real peers: clients bind distinct loopback source addresses
 * (127.0.0.1, 127.0.0.2) so one host plays listed and unlisted peers. A peer refused by policy is closed at accept
 * without a single byte (PROTOCOL.md §5.9).
 */
class IpListsIT {

    private static final String BLOCKLISTED = "tick_storm_connections_rejected_total{reason=\"blocklist\",}";
    private static final String NOT_ALLOWLISTED =
            "tick_storm_connections_rejected_total{reason=\"not_allowlisted\",}";

    @Test
    void blocklistedAddressIsClosedWithoutAnyFrameWhileOthersGetIn() throws Exception {
        try (TickServer server = start("", "127.0.0.1")) {
            MetricsScraper scraper = new MetricsScraper(server.metricsPort());
            assertRefused(server, "127.0.0.1");
            assertEquals(1, scraper.value(BLOCKLISTED));
            assertAdmitted(server, "127.0.0.2");
        }
    }

    @Test
    void allowlistAdmitsOnlyListedSources() throws Exception {
        try (TickServer server = start("127.0.0.2/32", "")) {
            MetricsScraper scraper = new MetricsScraper(server.metricsPort());
            assertRefused(server, "127.0.0.1");
            assertEquals(1, scraper.value(NOT_ALLOWLISTED));
            assertAdmitted(server, "127.0.0.2");
            assertEquals(0, scraper.value(BLOCKLISTED));
        }
    }

    @Test
    void blocklistWinsOverAnAllowlistThatAlsoCoversTheAddress() throws Exception {
        try (TickServer server = start("127.0.0.0/8", "127.0.0.1")) {
            MetricsScraper scraper = new MetricsScraper(server.metricsPort());
            assertRefused(server, "127.0.0.1");
            assertEquals(1, scraper.value(BLOCKLISTED));
            assertEquals(0, scraper.value(NOT_ALLOWLISTED));
            assertAdmitted(server, "127.0.0.2");
        }
    }

    @Test
    void ipv6EntriesParseAndLeaveIpv4MatchingIntact() throws Exception {
        try (TickServer server = start(" ::1/128, 2001:db8::/32 ,127.0.0.2/32,fe80::1", "fc00::/7, 127.0.0.3")) {
            MetricsScraper scraper = new MetricsScraper(server.metricsPort());
            assertAdmitted(server, "127.0.0.2");
            assertRefused(server, "127.0.0.1");
            assertRefused(server, "127.0.0.3");
            assertEquals(1, scraper.value(NOT_ALLOWLISTED));
            assertEquals(1, scraper.value(BLOCKLISTED));
        }
    }

    private static TickServer start(String allowlist, String blocklist) throws Exception {
        return TestServers.start(Map.of(
                "tick-storm.admission.allowlist", allowlist,
                "tick-storm.admission.blocklist", blocklist));
    }

    /** The server closes without sending a byte: end of stream (or a reset) on the very first read. */
    private static void assertRefused(TickServer server, String source) throws Exception {
        try (RawClient client = RawClient.connectFrom(source, server.tickAddress())) {
            InputStream in = client.socket().getInputStream();
            int first;
            try {
                first = in.read();
            } catch (SocketException reset) {
                first = -1;
            } catch (IOException e) {
                throw new AssertionError("refusal of " + source + ": expected a close, got " + e, e);
            }
            assertEquals(-1, first, () -> "refusal of " + source + ": no byte may arrive");
        }
    }

    private static void assertAdmitted(TickServer server, String source) throws Exception {
        try (RawClient client = RawClient.connectFrom(source, server.tickAddress())) {
            assertEquals(source, client.source().getHostAddress());
            client.authenticate();
        }
    }
}

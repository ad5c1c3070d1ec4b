package io.tickstorm.server.admission;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import io.tickstorm.protocol.proto.ErrorCode;
import io.tickstorm.protocol.proto.ErrorResponse;
import io.tickstorm.server.TickServer;
import io.tickstorm.server.testing.RawClient;
import io.tickstorm.server.testing.TestServers;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Connections up to the cap derived from the open-file limit, in one process, with no accept error logged.
 *
 * <p>The limit is lowered to {@value #OPEN_FILES} ({@code ULIMIT_MAX_OPEN_FILES}; the process's real limit is far
 * higher, and both the server's and the test's sockets count against it). Automatic resource sampling is set to an
 * hour: this JVM holds both ends of every connection, so its descriptor count passes the open-files high-water mark
 * long before the server-side connections reach the cap, and an open-files breach would close admission first. What
 * is under test here is the cap itself. The auth timeout is raised so no connection is closed while the test runs,
 * and the unauthenticated caps (which would otherwise stop these silent sockets at half the cap) are lifted to it.
 */
class OpenFileCapIT {

    private static final int OPEN_FILES = 2_000;
    private static final String CAP_REFUSALS = "tick_storm_connections_rejected_total{reason=\"connection_cap\",}";
    private static final String ACTIVE = "tick_storm_active_connections";

    @Test
    void admitsConnectionsUpToTheOpenFileCapThenRefusesWithoutAnAcceptError() throws Exception {
        try (LogCapture log = LogCapture.on(org.slf4j.Logger.ROOT_LOGGER_NAME);
                TickServer server = TestServers.start(Map.of(
                        "tick-storm.limits.max-open-files", OPEN_FILES,
                        "tick-storm.limits.fd-reserve", 256,
                        "tick-storm.auth.timeout", "60s",
                        "tick-storm.admission.max-unauthenticated-connections", OPEN_FILES,
                        "tick-storm.admission.max-unauthenticated-per-address", OPEN_FILES,
                        "tick-storm.limits.sample-interval", "1h"));
                OpenConnections<Socket> sockets = new OpenConnections<>()) {
            int cap = server.limits().connectionCap();
            assertEquals("open-files", server.limits().connectionCapBound());
            assertEquals(OPEN_FILES - server.limits().config().fdReserve(), cap);
            MetricsScraper scraper = new MetricsScraper(server.metricsPort());
            InetSocketAddress target = new InetSocketAddress("127.0.0.1", server.tickAddress().getPort());

            for (int i = 0; i < cap; i++) {
                Socket socket = sockets.add(new Socket());
                socket.connect(target, RawClient.READ_TIMEOUT_MS);
            }
            scraper.await(ACTIVE, cap);
            assertEquals(cap, server.connections());

            try (RawClient refused = RawClient.connect(server.tickAddress())) {
                ErrorResponse error = refused.expectErrorThenClose(ErrorCode.SERVER_OVERLOADED);
                assertTrue(error.getDetails().contains("connection cap " + cap + " (open-files)"), error::getDetails);
            }
            assertEquals(1, scraper.value(CAP_REFUSALS));
            assertEquals(cap, scraper.value(ACTIVE));
            assertEquals(cap, sockets.size());
            assertNoAcceptError(log.events());
        }
    }

    private static void assertNoAcceptError(List<ILoggingEvent> events) {
        for (ILoggingEvent event : events) {
            String text = describe(event).toLowerCase(Locale.ROOT);
            boolean serverSide = event.getLoggerName().startsWith("io.netty")
                    || event.getLoggerName().startsWith("io.tickstorm");
            assertTrue(!text.contains("too many open files"), () -> "descriptor exhaustion logged: " + event);
            assertTrue(!(serverSide && event.getLevel().isGreaterOrEqual(Level.ERROR) && text.contains("accept")),
                    () -> "accept error logged: " + event);
        }
    }

    private static String describe(ILoggingEvent event) {
        StringBuilder text = new StringBuilder(event.getFormattedMessage());
        for (IThrowableProxy t = event.getThrowableProxy(); t != null; t = t.getCause()) {
            text.append(" | ").append(t.getClassName()).append(": ").append(t.getMessage());
        }
        return text.toString();
    }
}

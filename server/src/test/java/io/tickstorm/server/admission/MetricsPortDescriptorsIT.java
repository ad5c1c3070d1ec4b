package io.tickstorm.server.admission;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tickstorm.limits.Resource;
import io.tickstorm.limits.ResourceMonitor;
import io.tickstorm.server.TickServer;
import io.tickstorm.server.testing.IdleSocketsProcess;
import io.tickstorm.server.testing.RawClient;
import io.tickstorm.server.testing.TestServers;
import java.net.InetSocketAddress;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Idle connections to the metrics port cannot close the tick port's admission (issue 12, item 3): their sockets are
 * capped, and the descriptors the cap allows come out of the reserve, so the open-files breach does not count them.
 *
 * <p>The open-file limit is lowered to {@value #OPEN_FILES} so that the connection cap is bound by it and the reserve
 * is {@code fd-reserve}, as in production; the reserve is raised to {@value #FD_RESERVE} because this JVM holds
 * about 120 descriptors at rest (the test class path's jars), against 25 for the server's own jar. The {@value #IDLE}
 * idle connections are held by a child process: only the server's ends of them must count here. Sampling is manual ({@link ResourceMonitor#sampleOnce()}), and the
 * metrics port's request timeout is long, so the idle sockets stay for the whole test.
 */
class MetricsPortDescriptorsIT {

    private static final int OPEN_FILES = 2_000;
    private static final int FD_RESERVE = 320;
    private static final int IDLE = 250;
    private static final int METRICS_CAP = 64;
    private static final String EVICTED = "tick_storm_http_connections_closed_total{reason=\"evicted\",}";

    @Test
    void moreIdleMetricsConnectionsThanTheirCapLeaveTickAdmissionAndProbesWorking() throws Exception {
        try (TickServer server = TestServers.start(Map.of(
                "tick-storm.limits.max-open-files", OPEN_FILES,
                "tick-storm.limits.fd-reserve", FD_RESERVE,
                "tick-storm.limits.sample-interval", "1h",
                "tick-storm.metrics-http.max-connections", METRICS_CAP,
                "tick-storm.metrics-http.request-timeout", "60s"))) {
            ResourceMonitor monitor = server.monitor();
            MetricsScraper scraper = new MetricsScraper(server.metricsPort());
            assertEquals("open-files", server.limits().connectionCapBound());
            monitor.sampleOnce();
            assertFalse(monitor.breachActive(Resource.OPEN_FILES), () -> "at rest: " + monitor.value(Resource.OPEN_FILES)
                    + " of " + monitor.limit(Resource.OPEN_FILES));

            try (IdleSocketsProcess idle = IdleSocketsProcess.open(
                    new InetSocketAddress("127.0.0.1", server.metricsPort()), IDLE)) {
                scraper.awaitAtLeast(EVICTED, IDLE - METRICS_CAP);
                monitor.sampleOnce();
                assertFalse(monitor.breachActive(Resource.OPEN_FILES), () -> "descriptors outside connections: "
                        + monitor.value(Resource.OPEN_FILES) + " of " + monitor.limit(Resource.OPEN_FILES));

                try (RawClient client = RawClient.connect(server.tickAddress())) {
                    client.authenticate();
                }
                assertEquals(200, scraper.readiness());
                assertEquals(200, scraper.status("/health/live"));
                assertTrue(scraper.value("tick_storm_http_connections") <= METRICS_CAP);
            }
        }
    }
}

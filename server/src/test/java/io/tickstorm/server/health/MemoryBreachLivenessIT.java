package io.tickstorm.server.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.tickstorm.limits.Resource;
import io.tickstorm.limits.ResourceMonitor;
import io.tickstorm.server.TickServer;
import io.tickstorm.server.testing.RawClient;
import io.tickstorm.server.testing.Scrape;
import io.tickstorm.server.testing.TestServers;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A direct-memory breach with no connection at all makes {@code /health/live} fail once it has lasted the
 * configured time (here 20 ms, with samples taken by hand as in {@code ResourceBreachIT}); a connection, or the
 * breach clearing, makes it live again. Readiness is off for the whole breach, as before.
 */
class MemoryBreachLivenessIT {

    // Roomy enough for what earlier tests of this JVM leave in the shared pooled and adaptive allocators.
    private static final long BUDGET_BYTES = 256L << 20;

    @TempDir
    Path noCgroup;

    private static HttpResponse<String> live(TickServer server) throws Exception {
        return Scrape.get(server.metricsPort(), "/health/live");
    }

    @Test
    void livenessFailsWhenMemoryStaysInBreachWithNoConnections() throws Exception {
        try (TickServer server = TestServers.start(Map.of(
                "tick-storm.limits.max-memory-bytes", Runtime.getRuntime().maxMemory() + BUDGET_BYTES,
                "tick-storm.limits.native-headroom", 0,
                "tick-storm.limits.cgroup-root", noCgroup.toString(),
                "tick-storm.limits.sample-interval", "1h",
                "tick-storm.limits.memory-breach-idle-timeout", "20ms"))) {
            ResourceMonitor monitor = server.monitor();
            monitor.sampleOnce();
            long baseline = monitor.value(Resource.DIRECT_MEMORY);
            ByteBuf ballast = Unpooled.directBuffer((int) (BUDGET_BYTES * 97 / 100 - baseline));
            try {
                monitor.sampleOnce();
                assertTrue(monitor.breachActive(Resource.DIRECT_MEMORY));
                assertEquals(200, live(server).statusCode(), "not before the timeout");
                Thread.sleep(50);
                monitor.sampleOnce();
                HttpResponse<String> stuck = live(server);
                assertEquals(503, stuck.statusCode());
                assertEquals("memory breach with no connections\n", stuck.body());
                assertEquals(503, Scrape.get(server.metricsPort(), "/health/ready").statusCode());

                try (RawClient held = RawClient.connect(server.tickAddress())) {
                    // Refused (admission is closed during the breach): a refused socket is no connection.
                    held.expectError(io.tickstorm.protocol.proto.ErrorCode.SERVER_OVERLOADED);
                }
                monitor.sampleOnce();
                assertFalse(server.health().live());
            } finally {
                ballast.release();
            }
            monitor.sampleOnce();
            assertEquals(200, live(server).statusCode(), "live again once the breach clears");
        }
    }
}

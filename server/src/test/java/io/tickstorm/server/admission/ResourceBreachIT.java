package io.tickstorm.server.admission;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.tickstorm.limits.Resource;
import io.tickstorm.limits.ResourceMonitor;
import io.tickstorm.protocol.FrameType;
import io.tickstorm.protocol.proto.ErrorCode;
import io.tickstorm.protocol.proto.ErrorResponse;
import io.tickstorm.protocol.proto.HeartbeatResponse;
import io.tickstorm.protocol.proto.SubscribeRequest;
import io.tickstorm.protocol.proto.SubscriptionMode;
import io.tickstorm.server.TickServer;
import io.tickstorm.server.testing.RawClient;
import io.tickstorm.server.testing.RawClient.Received;
import io.tickstorm.server.testing.TestServers;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A direct-memory breach end to end: declared, logged, exported, readiness off and admission closed while existing
 * subscribers keep being served; cleared, and everything restored.
 *
 * <p>The memory override is the JVM's own maximum heap plus {@value #BUDGET_MIB} MiB with no native headroom, so the
 * derived direct-memory budget is exactly that; the cgroup root is an empty directory so the machine's cgroup does
 * not lower it. Usage is pushed over the high-water mark with a Netty direct buffer: Netty 4.2 counts every direct
 * buffer it allocates in {@code PlatformDependent.usedDirectMemory()}, which the server samples (the JDK's buffer
 * pool counts it too, so this holds whichever of the two the server reads). Automatic sampling is set to an hour;
 * the test calls {@link ResourceMonitor#sampleOnce()} itself, so every transition happens where it expects it.
 */
class ResourceBreachIT {

    // Roomy enough for what earlier tests of this JVM leave in the shared pooled and adaptive allocators.
    private static final long BUDGET_MIB = 256;
    private static final long BUDGET_BYTES = BUDGET_MIB << 20;
    private static final String DIRECT = "{resource=\"direct_memory\",}";
    private static final String BREACH_ACTIVE = "tick_storm_resource_breach_active" + DIRECT;
    private static final String BREACHES = "tick_storm_resource_breaches_total" + DIRECT;
    private static final String USAGE = "tick_storm_resource_usage_ratio" + DIRECT;
    private static final String BREACH_REFUSALS = "tick_storm_connections_rejected_total{reason=\"breach\",}";

    @TempDir
    Path noCgroup;

    @Test
    void directMemoryBreachClosesAdmissionAndReadinessButKeepsSubscribersAndClearsBelowLowWater()
            throws Exception {
        try (LogCapture log = LogCapture.on(ResourceMonitor.class.getName());
                TickServer server = TestServers.start(Map.of(
                        "tick-storm.limits.max-memory-bytes", Runtime.getRuntime().maxMemory() + BUDGET_BYTES,
                        "tick-storm.limits.native-headroom", 0,
                        "tick-storm.limits.cgroup-root", noCgroup.toString(),
                        "tick-storm.limits.sample-interval", "1h"));
                RawClient subscriber = RawClient.connect(server.tickAddress())) {
            ResourceMonitor monitor = server.monitor();
            MetricsScraper scraper = new MetricsScraper(server.metricsPort());
            assertEquals(BUDGET_BYTES, server.limits().directMemoryBytes());
            assertEquals(BUDGET_BYTES, monitor.limit(Resource.DIRECT_MEMORY));
            subscriber.authenticate();
            subscriber.subscribe(SubscribeRequest.newBuilder().setMode(SubscriptionMode.MINUTE).build());
            assertEquals(FrameType.ACK.code(), subscriber.read().type());
            assertTrue(subscriber.read().batch().getIsSnapshot());

            monitor.sampleOnce();
            assertFalse(monitor.breachActive(Resource.DIRECT_MEMORY));
            long baseline = monitor.value(Resource.DIRECT_MEMORY);
            assertTrue(baseline < BUDGET_BYTES / 2, () -> "baseline direct memory " + baseline + " leaves no room");
            assertEquals(200, scraper.readiness());
            double breachesBefore = scraper.value(BREACHES);

            ByteBuf ballast = Unpooled.directBuffer((int) (BUDGET_BYTES * 97 / 100 - baseline));
            try {
                monitor.sampleOnce();
                assertTrue(monitor.breachActive(Resource.DIRECT_MEMORY));
                assertLogged(log, Level.WARN, "resource breach: direct_memory");
                assertEquals(1.0, scraper.value(BREACH_ACTIVE));
                assertEquals(breachesBefore + 1, scraper.value(BREACHES));
                assertTrue(scraper.value(USAGE) >= 0.9, () -> "usage ratio " + scraper.value(USAGE));
                assertEquals(503, scraper.readiness());

                try (RawClient refused = RawClient.connect(server.tickAddress())) {
                    ErrorResponse error = refused.expectErrorThenClose(ErrorCode.SERVER_OVERLOADED);
                    assertEquals("resource breach: direct_memory", error.getDetails());
                }
                assertEquals(1, scraper.value(BREACH_REFUSALS));
                assertPongs(subscriber, 1);
            } finally {
                ballast.release();
            }

            monitor.sampleOnce();
            assertFalse(monitor.breachActive(Resource.DIRECT_MEMORY));
            assertLogged(log, Level.INFO, "resource breach cleared: direct_memory");
            assertEquals(0.0, scraper.value(BREACH_ACTIVE));
            assertEquals(breachesBefore + 1, scraper.value(BREACHES));
            assertEquals(200, scraper.readiness());
            try (RawClient admitted = RawClient.connect(server.tickAddress())) {
                admitted.authenticate();
            }
            assertEquals(1, scraper.value(BREACH_REFUSALS));
            assertPongs(subscriber, 2);
        }
    }

    /** The breach line carries the resource, value and limit as structured fields (the JSON encoder's keys). */
    private static void assertLogged(LogCapture log, Level level, String text) {
        ILoggingEvent event = log.events().stream()
                .filter(e -> e.getLevel() == level && e.getFormattedMessage().startsWith(text))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + level + " log starting \"" + text + "\" in "
                        + log.events().stream().map(ILoggingEvent::getFormattedMessage).toList()));
        assertTrue(event.getKeyValuePairs().stream().anyMatch(
                kv -> kv.key.equals("resource") && "direct_memory".equals(kv.value)), () -> "fields of " + event);
        assertTrue(event.getKeyValuePairs().stream().anyMatch(kv -> kv.key.equals("limit")
                && Long.valueOf(BUDGET_BYTES).equals(kv.value)), () -> "fields of " + event);
        assertTrue(event.getKeyValuePairs().stream().anyMatch(kv -> kv.key.equals("value")),
                () -> "fields of " + event);
    }

    /** A HEARTBEAT is answered with its PONG; stream batches arriving in between are skipped. */
    private static void assertPongs(RawClient subscriber, long sequence) throws Exception {
        subscriber.heartbeat(sequence);
        for (int frames = 0; frames < 1_000; frames++) {
            Received frame = subscriber.read();
            if (frame.type() == FrameType.PONG.code()) {
                assertEquals(sequence, frame.as(HeartbeatResponse.class).getSequence());
                return;
            }
            assertEquals(FrameType.DATA_BATCH.code(), frame.type(), () -> "expected PONG or DATA_BATCH, got " + frame);
        }
        throw new AssertionError("no PONG within 1000 frames");
    }
}

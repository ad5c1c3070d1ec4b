package io.tickstorm.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class ResourceMonitorTest {

    /** The metrics port's default socket cap ({@code tick-storm.metrics-http.max-connections}). */
    private static final int METRICS_CAP = 64;

    private final AtomicLong heap = new AtomicLong();
    private final AtomicLong connections = new AtomicLong();
    private final List<String> transitions = new ArrayList<>();
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private final Logger monitorLogger = (Logger) LoggerFactory.getLogger(ResourceMonitor.class);

    private final ResourceBreachListener listener = new ResourceBreachListener() {
        @Override
        public void breachStarted(Resource resource, long value, long limit) {
            transitions.add("start " + resource.label() + " " + value + "/" + limit);
        }

        @Override
        public void breachCleared(Resource resource, long value, long limit) {
            transitions.add("clear " + resource.label() + " " + value + "/" + limit);
        }
    };

    @BeforeEach
    void captureLogs() {
        logs.start();
        monitorLogger.addAppender(logs);
    }

    @AfterEach
    void releaseLogs() {
        monitorLogger.detachAppender(logs);
    }

    private ResourceMonitor monitor() {
        return new ResourceMonitor(List.of(
                new MonitoredResource(Resource.HEAP, heap::get, 1000),
                new MonitoredResource(Resource.CONNECTIONS, connections::get, 100)), 0.9, 0.8, listener);
    }

    @Test
    void entersBreachAtHighWaterAndClearsOnlyBelowLowWater() {
        ResourceMonitor m = monitor();
        heap.set(899);
        m.sampleOnce();
        assertFalse(m.breachActive(Resource.HEAP));

        heap.set(900);
        m.sampleOnce();
        assertTrue(m.breachActive(Resource.HEAP));
        assertTrue(m.anyBreach());
        assertEquals(Set.of(Resource.HEAP), m.activeBreaches());
        assertEquals(0.9, m.usageRatio(Resource.HEAP));

        heap.set(850);
        m.sampleOnce();
        assertTrue(m.breachActive(Resource.HEAP), "between the marks the breach holds");

        heap.set(799);
        m.sampleOnce();
        assertFalse(m.breachActive(Resource.HEAP));
        assertFalse(m.anyBreach());
        assertEquals(List.of("start heap 900/1000", "clear heap 799/1000"), transitions);
    }

    @Test
    void countsEachBreachOnceNoMatterHowLongItLasts() {
        ResourceMonitor m = monitor();
        for (long v : new long[] {950, 990, 1000, 850, 700, 920, 960, 100}) {
            heap.set(v);
            m.sampleOnce();
        }
        assertEquals(2, m.breachCount(Resource.HEAP));
        assertEquals(0, m.breachCount(Resource.CONNECTIONS));
    }

    @Test
    void tracksResourcesIndependently() {
        ResourceMonitor m = monitor();
        heap.set(950);
        connections.set(10);
        m.sampleOnce();
        assertTrue(m.breachActive(Resource.HEAP));
        assertFalse(m.breachActive(Resource.CONNECTIONS));
        assertEquals(0.1, m.usageRatio(Resource.CONNECTIONS));
        assertEquals(10, m.value(Resource.CONNECTIONS));
        assertFalse(m.breachActive(Resource.DIRECT_MEMORY), "an unwatched resource never breaches");
        assertEquals(0.0, m.usageRatio(Resource.DIRECT_MEMORY));
    }

    @Test
    void unlimitedResourceNeverBreaches() {
        ResourceMonitor m = new ResourceMonitor(
                List.of(new MonitoredResource(Resource.OPEN_FILES, () -> Long.MAX_VALUE, 0)), 0.9, 0.8, listener);
        m.sampleOnce();
        assertFalse(m.anyBreach());
    }

    @Test
    void logsBreachAsWarnAndClearAsInfoWithResourceValueAndLimit() {
        ResourceMonitor m = monitor();
        connections.set(95);
        m.sampleOnce();
        connections.set(5);
        m.sampleOnce();
        assertEquals(2, logs.list.size());
        ILoggingEvent breach = logs.list.get(0);
        assertEquals(Level.WARN, breach.getLevel());
        assertTrue(breach.getFormattedMessage().startsWith("resource breach: connections at 95 of limit 100"),
                breach.getFormattedMessage());
        assertEquals(List.of("resource", "value", "limit"),
                breach.getKeyValuePairs().stream().map(kv -> kv.key).toList());
        ILoggingEvent cleared = logs.list.get(1);
        assertEquals(Level.INFO, cleared.getLevel());
        assertTrue(cleared.getFormattedMessage().startsWith("resource breach cleared: connections"));
    }

    @Test
    void failingSamplerKeepsLastStateAndOthersStillSample() {
        AtomicLong calls = new AtomicLong();
        ResourceMonitor m = new ResourceMonitor(List.of(
                new MonitoredResource(Resource.DIRECT_MEMORY, () -> {
                    if (calls.incrementAndGet() > 1) {
                        throw new IllegalStateException("counter gone");
                    }
                    return 95;
                }, 100),
                new MonitoredResource(Resource.HEAP, heap::get, 1000)), 0.9, 0.8, listener);
        m.sampleOnce();
        heap.set(990);
        m.sampleOnce();
        assertTrue(m.breachActive(Resource.DIRECT_MEMORY));
        assertTrue(m.breachActive(Resource.HEAP));
    }

    @Test
    void samplesOnItsOwnThreadUntilClosed() throws InterruptedException {
        CountDownLatch sampled = new CountDownLatch(3);
        ResourceMonitor m = new ResourceMonitor(List.of(new MonitoredResource(Resource.CONNECTIONS, () -> {
            sampled.countDown();
            return 1;
        }, 10)), 0.9, 0.8, listener);
        try (m) {
            m.start(Duration.ofMillis(10));
            assertTrue(sampled.await(10, TimeUnit.SECONDS));
        }
        assertEquals(1, m.value(Resource.CONNECTIONS));
    }

    @Test
    void standardMonitorWatchesTheDerivedLimits() {
        Limits limits = Limits.derive(CgroupLimits.NONE, OptionalLong.of(1000),
                new JvmResources(1L << 30, 0, 2), LimitsConfig.from(
                        com.typesafe.config.ConfigFactory.defaultReference().resolve()), 0);
        ResourceMonitor m = ResourceMonitor.forLimits(limits, () -> 0, connections::get, connections::get, () -> 0,
                METRICS_CAP, listener);
        connections.set(limits.connectionCap());
        m.sampleOnce();
        assertEquals(1000 - limits.connectionCap() - METRICS_CAP, m.limit(Resource.OPEN_FILES),
                "the reserve outside connections and the metrics port");
        assertEquals(1L << 30, m.limit(Resource.HEAP));
        assertTrue(m.breachActive(Resource.CONNECTIONS));
        connections.set(0);
        m.sampleOnce();
        assertTrue(m.value(Resource.OPEN_FILES) > 0, "this process has open files outside connections");
        assertEquals(Duration.ofMinutes(1), m.memoryBreachIdleTimeout(), "the shipped default");
    }

    private final AtomicLong direct = new AtomicLong();
    private final AtomicLong admitted = new AtomicLong();
    private final AtomicLong nanos = new AtomicLong(5_000_000_000L);

    /** Heap and direct memory against 1000, the idle rule at 60 s on a hand-moved clock. */
    private ResourceMonitor idleRuleMonitor() {
        return new ResourceMonitor(List.of(
                new MonitoredResource(Resource.HEAP, heap::get, 1000),
                new MonitoredResource(Resource.DIRECT_MEMORY, direct::get, 1000),
                new MonitoredResource(Resource.CONNECTIONS, connections::get, 100)), 0.9, 0.8, listener,
                new IdleMemoryBreachRule(admitted::get, Duration.ofSeconds(60), nanos::get));
    }

    private void advanceSeconds(long seconds, ResourceMonitor m) {
        nanos.addAndGet(TimeUnit.SECONDS.toNanos(seconds));
        m.sampleOnce();
    }

    @Test
    void directMemoryBreachWithNoConnectionForTheTimeoutIsIdle() {
        Logger ruleLogger = (Logger) LoggerFactory.getLogger(IdleMemoryBreachRule.class);
        ruleLogger.addAppender(logs);
        ResourceMonitor m = idleRuleMonitor();
        direct.set(950);
        m.sampleOnce();
        assertTrue(m.breachActive(Resource.DIRECT_MEMORY));
        advanceSeconds(59, m);
        assertFalse(m.memoryBreachIdle(), "not before the timeout");
        advanceSeconds(1, m);
        assertTrue(m.memoryBreachIdle());
        assertTrue(logs.list.stream().anyMatch(e -> e.getLevel() == Level.ERROR
                && e.getFormattedMessage().startsWith("memory breach with no connections for 60 s")), "logged");

        direct.set(700);
        advanceSeconds(1, m);
        assertFalse(m.memoryBreachIdle(), "a cleared breach is no longer idle");
        ruleLogger.detachAppender(logs);
    }

    @Test
    void heapBreachCountsToo() {
        ResourceMonitor m = idleRuleMonitor();
        heap.set(990);
        m.sampleOnce();
        advanceSeconds(60, m);
        assertTrue(m.memoryBreachIdle());
    }

    @Test
    void anyConnectionDuringTheBreachRestartsTheCount() {
        ResourceMonitor m = idleRuleMonitor();
        direct.set(950);
        m.sampleOnce();
        advanceSeconds(50, m);
        admitted.set(1);
        advanceSeconds(5, m);
        assertFalse(m.memoryBreachIdle(), "memory held for a connection may come back when it closes");
        admitted.set(0);
        advanceSeconds(1, m);
        advanceSeconds(59, m);
        assertFalse(m.memoryBreachIdle(), "the count starts again once the last connection is gone");
        advanceSeconds(1, m);
        assertTrue(m.memoryBreachIdle());
        admitted.set(3);
        advanceSeconds(1, m);
        assertFalse(m.memoryBreachIdle());
    }

    @Test
    void otherBreachesAndAMonitorWithoutTheRuleNeverMakeItIdle() {
        ResourceMonitor m = idleRuleMonitor();
        connections.set(99);
        m.sampleOnce();
        advanceSeconds(600, m);
        assertTrue(m.breachActive(Resource.CONNECTIONS));
        assertFalse(m.memoryBreachIdle(), "only heap and direct memory count");

        ResourceMonitor without = monitor();
        heap.set(999);
        without.sampleOnce();
        assertFalse(without.memoryBreachIdle());
        assertEquals(Duration.ZERO, without.memoryBreachIdleTimeout());
    }

    @Test
    void metricsPortSocketsUpToTheirCapAreNotCountedAgainstTheReserve() {
        Limits limits = Limits.derive(CgroupLimits.NONE, OptionalLong.of(1000),
                new JvmResources(1L << 30, 0, 2), LimitsConfig.from(
                        com.typesafe.config.ConfigFactory.defaultReference().resolve()), 0);
        AtomicLong openFiles = new AtomicLong();
        AtomicLong metricsSockets = new AtomicLong();
        ResourceMonitor m = ResourceMonitor.forLimits(limits, openFiles::get, () -> 0, connections::get,
                connections::get, metricsSockets::get, METRICS_CAP, listener);
        long reserve = m.limit(Resource.OPEN_FILES);
        long others = reserve / 2;

        connections.set(limits.connectionCap());
        metricsSockets.set(250);
        openFiles.set(limits.connectionCap() + others + 250);
        m.sampleOnce();
        // 250 sockets on the metrics port, of which its cap can hold only 64: at most those 64 are its own.
        assertEquals(others + 250 - METRICS_CAP, m.value(Resource.OPEN_FILES));

        metricsSockets.set(METRICS_CAP);
        openFiles.set(limits.connectionCap() + others + METRICS_CAP);
        m.sampleOnce();
        assertEquals(others, m.value(Resource.OPEN_FILES));
        assertFalse(m.breachActive(Resource.OPEN_FILES), "a full metrics port leaves the reserve untouched");
    }

    @Test
    void rejectsInvertedWaterMarks() {
        assertThrows(IllegalArgumentException.class, () -> new ResourceMonitor(List.of(), 0.8, 0.9, listener));
    }
}

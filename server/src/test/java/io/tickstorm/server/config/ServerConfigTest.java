package io.tickstorm.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ServerConfigTest {

    private static ServerConfig parse(Map<String, ?> overrides) {
        return ServerConfig.from(ConfigFactory.parseMap(overrides).withFallback(ConfigFactory.defaultReference())
                .resolve());
    }

    private static String rejection(Map<String, ?> overrides) {
        return assertThrows(IllegalArgumentException.class, () -> parse(overrides)).getMessage();
    }

    @Test
    void theShippedDefaultsAreValidAndMatchTheDocumentedValues() {
        ServerConfig config = parse(Map.of());
        assertEquals(new HostPort("0.0.0.0", 8080), config.listen());
        assertEquals(new HostPort("0.0.0.0", 9090), config.metrics().address());
        assertEquals(64, config.metrics().maxConnections());
        assertEquals(Duration.ofSeconds(5), config.metrics().requestTimeout());
        assertEquals(Duration.ofSeconds(60), config.metrics().idleTimeout());
        assertEquals(65_536, config.maxPayloadBytes());
        assertEquals(Duration.ofSeconds(15), config.heartbeat().interval());
        assertEquals(Duration.ofSeconds(20), config.heartbeat().timeout());
        assertEquals(4L << 20, config.write().outboundBudgetBytes());
        assertEquals(Duration.ofSeconds(5), config.write().deadline());
        assertEquals(new InboundConfig(100, 1000), config.inbound());
        assertTrue(config.tls().enabled());
        assertEquals(Duration.ZERO, config.batchWindow());
        assertEquals(4096, config.preAuth().maxPayloadBytes());
        assertEquals(0, config.preAuth().bufferBudgetBytes());
        assertEquals(48L << 20, config.preAuth().budgetBytes(384L << 20), "derived: an eighth of direct memory");
        assertEquals(1L << 20, config.preAuth().budgetBytes(4L << 20), "but at least 1 MiB");
        assertEquals(AllocatorType.POOLED, config.allocator());
    }

    @Test
    void preAuthSettingsAndAllocatorParseAndAreValidated() {
        ServerConfig config = parse(Map.of("tick-storm.pre-auth.max-payload-bytes", "8KiB",
                "tick-storm.pre-auth.buffer-budget", "16MiB", "tick-storm.allocator", "Adaptive"));
        assertEquals(8192, config.preAuth().maxPayloadBytes());
        assertEquals(16L << 20, config.preAuth().budgetBytes(1L << 30), "an explicit budget wins");
        assertEquals(AllocatorType.ADAPTIVE, config.allocator());
        assertTrue(rejection(Map.of("tick-storm.pre-auth.max-payload-bytes", 100))
                .contains("tick-storm.pre-auth.max-payload-bytes"));
        assertTrue(rejection(Map.of("tick-storm.pre-auth.max-payload-bytes", 70_000))
                .contains("must not exceed tick-storm.max-payload-bytes"));
        assertTrue(rejection(Map.of("tick-storm.pre-auth.buffer-budget", -1))
                .contains("tick-storm.pre-auth.buffer-budget"));
        assertTrue(rejection(Map.of("tick-storm.allocator", "jemalloc")).contains("tick-storm.allocator"));
    }

    @Test
    void bareNumbersOfTheMillisecondVariablesAreMilliseconds() {
        ServerConfig config = parse(Map.of("tick-storm.heartbeat.timeout", "30000", "tick-storm.write.deadline",
                "2500"));
        assertEquals(Duration.ofSeconds(30), config.heartbeat().timeout());
        assertEquals(Duration.ofMillis(2500), config.write().deadline());
    }

    @Test
    void goStyleListenAddressesParse() {
        assertEquals(new HostPort("0.0.0.0", 8080), HostPort.parse("k", ":8080"));
        assertEquals(new HostPort("::1", 9090), HostPort.parse("k", "[::1]:9090"));
        assertEquals("[::1]:9090", HostPort.parse("k", "[::1]:9090").toString());
    }

    @Test
    void theTotalOutboundBudgetIsHalfTheDirectMemoryBudgetUnlessSet() {
        WriteConfig derived = parse(Map.of()).write();
        assertEquals(0, derived.totalBudgetBytes());
        assertEquals(512L << 20, derived.totalBudgetBytes(1L << 30));
        assertEquals(4L << 20, derived.totalBudgetBytes(1L << 20), "never below one connection's budget");
        WriteConfig set = parse(Map.of("tick-storm.write.total-budget", "64MiB")).write();
        assertEquals(64L << 20, set.totalBudgetBytes(1L << 30));
        assertThrows(IllegalArgumentException.class, () -> parse(Map.of("tick-storm.write.total-budget", -1)));
    }

    @Test
    void invalidValuesStopStartupNamingTheKey() {
        assertTrue(rejection(Map.of("tick-storm.listen-addr", "nowhere")).contains("tick-storm.listen-addr"));
        assertTrue(rejection(Map.of("tick-storm.listen-addr", "host:99999")).contains("tick-storm.listen-addr"));
        assertTrue(rejection(Map.of("tick-storm.heartbeat.timeout", "soon")).contains("tick-storm.heartbeat.timeout"));
        assertTrue(rejection(Map.of("tick-storm.heartbeat.timeout", "10s", "tick-storm.heartbeat.interval", "15s"))
                .contains("tick-storm.heartbeat.timeout"));
        assertTrue(rejection(Map.of("tick-storm.max-payload-bytes", 10)).contains("tick-storm.max-payload-bytes"));
        assertTrue(rejection(Map.of("tick-storm.write.outbound-budget", "1KiB"))
                .contains("tick-storm.write.outbound-budget"));
        assertTrue(rejection(Map.of("tick-storm.event-loop-threads", -1)).contains("tick-storm.event-loop-threads"));
        assertTrue(rejection(Map.of("tick-storm.tls.client-auth", "sometimes")).contains("tick-storm.tls.client-auth"));
        assertTrue(rejection(Map.of("tick-storm.admission.blocklist", "10.0.0.0/99"))
                .contains("tick-storm.admission.blocklist"));
        assertTrue(rejection(Map.of("tick-storm.feed.rate", 0)).contains("tick-storm.feed.rate"));
        assertTrue(rejection(Map.of("tick-storm.inbound.frame-rate", -1)).contains("tick-storm.inbound.frame-rate"));
        assertTrue(rejection(Map.of("tick-storm.inbound.frame-burst", 0)).contains("tick-storm.inbound.frame-burst"));
        assertTrue(rejection(Map.of("tick-storm.metrics-http.max-connections", 1))
                .contains("tick-storm.metrics-http.max-connections"));
        assertTrue(rejection(Map.of("tick-storm.metrics-http.request-timeout", "0s"))
                .contains("tick-storm.metrics-http.request-timeout"));
        assertTrue(rejection(Map.of("tick-storm.metrics-http.idle-timeout", "soon"))
                .contains("tick-storm.metrics-http.idle-timeout"));
    }

    @Test
    void theDescriptorReserveMustHoldTheMetricsPortsSockets() {
        String message = rejection(Map.of("tick-storm.metrics-http.max-connections", 200));
        assertTrue(message.contains("tick-storm.limits.fd-reserve (256)"), message);
        assertTrue(message.contains("tick-storm.metrics-http.max-connections (200)"), message);
        assertEquals(200, parse(Map.of("tick-storm.metrics-http.max-connections", 200,
                "tick-storm.limits.fd-reserve", 264)).metrics().maxConnections());
    }

    @Test
    void refusesAMetricsAddressThatIsTheTickListenersAddress() {
        assertTrue(rejection(Map.of("tick-storm.listen-addr", "127.0.0.1:18080", "tick-storm.metrics-addr",
                "127.0.0.1:18080")).contains("must not be the address of tick-storm.listen-addr"));
        // A wildcard takes the port on every address, a specific one included.
        assertTrue(rejection(Map.of("tick-storm.listen-addr", "127.0.0.1:18080", "tick-storm.metrics-addr",
                "0.0.0.0:18080")).contains("tick-storm.metrics-addr"));
        assertTrue(rejection(Map.of("tick-storm.listen-addr", ":18080", "tick-storm.metrics-addr",
                "127.0.0.2:18080")).contains("tick-storm.metrics-addr"));
        // Port 0 picks a free port for each; different addresses may share a port.
        parse(Map.of("tick-storm.listen-addr", "127.0.0.1:0", "tick-storm.metrics-addr", "127.0.0.1:0"));
        parse(Map.of("tick-storm.listen-addr", "127.0.0.1:18080", "tick-storm.metrics-addr", "127.0.0.2:18080"));
    }
}

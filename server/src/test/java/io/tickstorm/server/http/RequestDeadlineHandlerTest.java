package io.tickstorm.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prometheus.client.Collector;
import io.prometheus.client.CollectorRegistry;
import io.tickstorm.server.health.HealthState;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The slow-loris defence: each phase of a connection has one deadline, whatever the client's pace. */
class RequestDeadlineHandlerTest {

    private static final String LIVE = "GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n";
    private static final Duration SECOND = Duration.ofSeconds(1);

    @Test
    void closesARequestWhoseHeaderLinesTrickleInPastTheRequestTimeout() {
        try (EmbeddedHttpPort port = EmbeddedHttpPort.healthy()) {
            port.send("GET /health/live HTTP/1.1\r\n");
            for (int line = 0; line < 4; line++) {
                port.advance(SECOND);
                port.send("X-Slow: " + line + "\r\n");
                assertTrue(port.open(), "a line every second resets nothing, but 5 s have not passed yet");
            }
            port.advance(SECOND);
            assertFalse(port.open());
            assertNull(port.received(), "a request that never finished gets no answer");
            assertEquals(1, port.stats.closes(HttpPortStats.Close.REQUEST_TIMEOUT));
        }
    }

    @Test
    void aNewConnectionThatSendsNothingIsClosedAtTheRequestTimeout() {
        try (EmbeddedHttpPort port = EmbeddedHttpPort.healthy()) {
            port.advance(EmbeddedHttpPort.REQUEST_TIMEOUT.minus(SECOND));
            assertTrue(port.open());
            port.advance(SECOND);
            assertFalse(port.open());
            assertEquals(1, port.stats.closes(HttpPortStats.Close.REQUEST_TIMEOUT));
        }
    }

    @Test
    void aKeptAliveConnectionGetsTheIdleTimeoutAndEachRequestItsOwnRequestTimeout() {
        try (EmbeddedHttpPort port = EmbeddedHttpPort.healthy()) {
            port.send(LIVE);
            assertTrue(port.received().startsWith("HTTP/1.1 200 OK"));
            port.advance(EmbeddedHttpPort.IDLE_TIMEOUT.minus(SECOND));
            assertTrue(port.open(), "idle, not receiving: the idle timeout applies");
            port.send(LIVE);
            assertTrue(port.received().startsWith("HTTP/1.1 200 OK"));
            port.send("GET /health/ready HTTP/1.1\r\n");
            port.advance(EmbeddedHttpPort.REQUEST_TIMEOUT.minus(SECOND));
            assertTrue(port.open());
            port.advance(SECOND);
            assertFalse(port.open(), "the first byte after idling started the request timeout");
            assertEquals(1, port.stats.closes(HttpPortStats.Close.REQUEST_TIMEOUT));
            assertEquals(0, port.stats.closes(HttpPortStats.Close.IDLE_TIMEOUT));
        }
    }

    @Test
    void anIdleKeptAliveConnectionIsClosedAtTheIdleTimeout() {
        try (EmbeddedHttpPort port = EmbeddedHttpPort.healthy()) {
            port.send(LIVE);
            assertTrue(port.received().startsWith("HTTP/1.1 200 OK"));
            port.advance(EmbeddedHttpPort.IDLE_TIMEOUT);
            assertFalse(port.open());
            assertEquals(1, port.stats.closes(HttpPortStats.Close.IDLE_TIMEOUT));
        }
    }

    @Test
    void aResponseNotWrittenWithinTheRequestTimeoutClosesTheConnection() throws InterruptedException {
        CountDownLatch release = new CountDownLatch(1);
        CollectorRegistry registry = new CollectorRegistry();
        new Collector() {
            @Override
            public List<MetricFamilySamples> collect() {
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return List.of();
            }
        }.register(registry);
        HealthState health = new HealthState(() -> false, () -> true, () -> false, () -> true);
        try (EmbeddedHttpPort port = new EmbeddedHttpPort(health, registry)) {
            port.send("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n");
            port.advance(EmbeddedHttpPort.REQUEST_TIMEOUT);
            assertFalse(port.open());
            assertEquals(1, port.stats.closes(HttpPortStats.Close.RESPONSE_TIMEOUT));
            release.countDown();
        }
    }
}

package io.tickstorm.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prometheus.client.exporter.common.TextFormat;
import io.tickstorm.server.TickServer;
import io.tickstorm.server.testing.Scrape;
import io.tickstorm.server.testing.TestServers;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The metrics and health port against hostile HTTP clients, over real sockets (issue 12, item 2). One server for the
 * class, with {@value #CAP} sockets and a request timeout far longer than any test, so what keeps the probes
 * answering here is that nothing waits for a slow client, not that slow clients get closed (the deadlines have
 * their own test). Probes carry a {@value #PROBE_GUARD_SECONDS} s timeout as a failure guard only.
 */
class MetricsHttpIT {

    private static final int CAP = 16;
    private static final int SLOW_CLIENTS = 8;
    private static final long PROBE_GUARD_SECONDS = 10;
    private static final String EVICTED = "tick_storm_http_connections_closed_total{reason=\"evicted\",}";

    private static TickServer server;
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(PROBE_GUARD_SECONDS)).build();

    @BeforeAll
    static void startServer() throws Exception {
        server = TestServers.start(Map.of(
                "tick-storm.metrics-http.max-connections", CAP,
                "tick-storm.metrics-http.request-timeout", "60s"));
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    private static HttpResponse<String> get(String path, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.metricsPort()
                + path)).timeout(Duration.ofSeconds(PROBE_GUARD_SECONDS));
        if (headers.length > 0) {
            request.headers(headers);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void probesAndScrapesAnswerWhileSlowClientsDripTheirHeaders() throws Exception {
        List<Socket> slow = new ArrayList<>();
        ScheduledExecutorService drip = Executors.newSingleThreadScheduledExecutor();
        try {
            for (int i = 0; i < SLOW_CLIENTS; i++) {
                Socket socket = new Socket();
                slow.add(socket);
                socket.connect(new InetSocketAddress("127.0.0.1", server.metricsPort()), 5_000);
                socket.getOutputStream().write(("GET /metrics HTTP/1.1\r\nHost: x\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
            }
            drip.scheduleAtFixedRate(() -> {
                for (Socket socket : slow) {
                    try {
                        socket.getOutputStream().write("X-Slow: 1\r\n".getBytes(StandardCharsets.US_ASCII));
                    } catch (IOException e) {
                        throw new IllegalStateException("a slow client was closed during the test", e);
                    }
                }
            }, 200, 200, TimeUnit.MILLISECONDS);

            for (int round = 0; round < 3; round++) {
                for (String probe : List.of(HttpRoutingHandler.LIVE, HttpRoutingHandler.READY,
                        HttpRoutingHandler.STARTUP)) {
                    HttpResponse<String> response = get(probe);
                    assertEquals(200, response.statusCode(), probe);
                    assertEquals("ok\n", response.body(), probe);
                }
                HttpResponse<String> scrape = get(HttpRoutingHandler.METRICS);
                assertEquals(200, scrape.statusCode());
                assertTrue(scrape.body().contains("tick_storm_connections_total"));
            }
            for (Socket socket : slow) {
                assertTrue(stillOpen(socket), "the slow clients were held, not closed, while the probes answered");
            }
        } finally {
            drip.shutdownNow();
            for (Socket socket : slow) {
                socket.close();
            }
        }
    }

    @Test
    void healthPathsAreMatchedExactlyAndUnknownPathsAre404() throws Exception {
        for (String path : List.of("/health/liveX", "/healthz", "/health/live/", "/health", "/", "/health/ready2",
                "/-/healthy", "/metrics/x")) {
            assertEquals(404, get(path).statusCode(), path);
        }
        assertEquals(200, get("/health/live?probe=kubelet").statusCode());
    }

    @Test
    void metricsScrapeInThePrometheusTextFormatAsBefore() throws Exception {
        HttpResponse<String> text = get(HttpRoutingHandler.METRICS);
        assertEquals(200, text.statusCode());
        assertEquals(TextFormat.CONTENT_TYPE_004, text.headers().firstValue("content-type").orElse(""));
        assertTrue(text.body().contains("# TYPE tick_storm_connections_total counter\n"), text.body());
        assertTrue(text.body().contains("jvm_memory_bytes_used{area=\"heap\",}"), "JVM metrics are exported");

        HttpResponse<String> open = get(HttpRoutingHandler.METRICS, "Accept",
                "application/openmetrics-text; version=1.0.0; charset=utf-8");
        assertEquals(TextFormat.CONTENT_TYPE_OPENMETRICS_100, open.headers().firstValue("content-type").orElse(""));
        assertTrue(open.body().endsWith("# EOF\n"));

        Scrape parsed = Scrape.metrics(server.metricsPort());
        assertTrue(parsed.has("tick_storm_http_connections"), "the port's own metrics are exported");
    }

    @Test
    void theNewestConnectionGetsInWhenThePortIsFullOfIdleOnes() throws Exception {
        double evictedBefore = Scrape.metrics(server.metricsPort()).value(EVICTED);
        List<Socket> idle = new ArrayList<>();
        try {
            for (int i = 0; i < 2 * CAP; i++) {
                Socket socket = new Socket();
                idle.add(socket);
                socket.connect(new InetSocketAddress("127.0.0.1", server.metricsPort()), 5_000);
            }
            // On a connection of its own, as the kubelet probes: accepted after every idle one.
            assertEquals(200, probeOnNewConnection(HttpRoutingHandler.LIVE));
            Scrape after = Scrape.metrics(server.metricsPort());
            assertTrue(after.value("tick_storm_http_connections") <= CAP, () -> "open: "
                    + after.value("tick_storm_http_connections"));
            assertTrue(after.value(EVICTED) - evictedBefore >= CAP, () -> "evicted: " + after.value(EVICTED));
            assertTrue(stillOpen(idle.get(idle.size() - 1)), "the newest idle connection is kept");
        } finally {
            for (Socket socket : idle) {
                socket.close();
            }
        }
    }

    /** Status of a GET on a fresh connection that asks to be closed after the response. */
    private static int probeOnNewConnection(String path) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", server.metricsPort()), 5_000);
            socket.setSoTimeout((int) TimeUnit.SECONDS.toMillis(PROBE_GUARD_SECONDS));
            socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            assertTrue(response.startsWith("HTTP/1.1 "), response);
            return Integer.parseInt(response.substring(9, 12));
        }
    }

    /** Whether the server still holds the socket: a short read times out instead of seeing end of stream. */
    private static boolean stillOpen(Socket socket) throws IOException {
        socket.setSoTimeout(50);
        try {
            InputStream in = socket.getInputStream();
            return in.read() >= 0;
        } catch (java.net.SocketTimeoutException e) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}

package io.tickstorm.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prometheus.client.Collector;
import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.Counter;
import io.prometheus.client.exporter.common.TextFormat;
import io.tickstorm.server.health.HealthState;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

/** Exact routes, probes from state, and {@code /metrics} as simpleclient_httpserver served it. */
class HttpRoutingHandlerTest {

    private static String get(String path) {
        return "GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n";
    }

    private static String exchange(EmbeddedHttpPort port, String request) throws InterruptedException {
        port.send(request);
        return port.awaitReceived();
    }

    @Test
    void probesAnswerOkOnTheirExactPathsOnly() throws Exception {
        try (EmbeddedHttpPort port = EmbeddedHttpPort.healthy()) {
            for (String path : List.of("/health/live", "/health/ready", "/health/startup", "/health/live?verbose=1")) {
                String response = exchange(port, get(path));
                assertTrue(response.startsWith("HTTP/1.1 200 OK\r\n"), path + ": " + response);
                assertTrue(response.contains("content-type: text/plain; charset=utf-8\r\n"), response);
                assertTrue(response.contains("cache-control: no-store\r\n"), response);
                assertTrue(response.endsWith("\r\n\r\nok\n"), response);
            }
            for (String path : List.of("/health/liveX", "/healthz", "/health/live/", "/health", "/", "/metricsX",
                    "/-/healthy", "/HEALTH/LIVE")) {
                String response = exchange(port, get(path));
                assertTrue(response.startsWith("HTTP/1.1 404 Not Found\r\n"), path + ": " + response);
            }
            assertTrue(port.open(), "a 404 keeps the connection");
        }
    }

    @Test
    void probesReportTheirReasonWith503() throws Exception {
        HealthState health = new HealthState(() -> true, () -> false, () -> false, () -> true);
        try (EmbeddedHttpPort port = new EmbeddedHttpPort(health, new CollectorRegistry())) {
            String startup = exchange(port, get("/health/startup"));
            assertTrue(startup.startsWith("HTTP/1.1 503 Service Unavailable\r\n"), startup);
            assertTrue(startup.endsWith("\r\n\r\nstarting\n"), startup);
            String ready = exchange(port, get("/health/ready"));
            assertTrue(ready.startsWith("HTTP/1.1 503 Service Unavailable\r\n"), ready);
            assertTrue(ready.endsWith("starting, resource breach\n"), ready);
            String live = exchange(port, get("/health/live"));
            assertTrue(live.startsWith("HTTP/1.1 503 Service Unavailable\r\n"), live);
            assertTrue(live.endsWith("event loops not responding\n"), live);
        }
    }

    @Test
    void onlyGetAndHeadAreAllowed() throws Exception {
        try (EmbeddedHttpPort port = EmbeddedHttpPort.healthy()) {
            String post = exchange(port, "POST /health/live HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n");
            assertTrue(post.startsWith("HTTP/1.1 405 Method Not Allowed\r\n"), post);
            assertTrue(post.contains("allow: GET, HEAD\r\n"), post);
            String head = exchange(port, "HEAD /health/live HTTP/1.1\r\nHost: x\r\n\r\n");
            assertTrue(head.startsWith("HTTP/1.1 200 OK\r\n"), head);
            assertTrue(head.contains("content-length: 3\r\n"), head);
            assertTrue(head.endsWith("\r\n\r\n"), "no body for HEAD: " + head);
        }
    }

    @Test
    void aMalformedRequestGets400AndTheConnectionCloses() throws Exception {
        try (EmbeddedHttpPort port = EmbeddedHttpPort.healthy()) {
            String response = exchange(port, "GET /health/live HTTP/1.1\r\n" + "X: " + "y".repeat(9000) + "\r\n\r\n");
            assertTrue(response.startsWith("HTTP/1.1 400 Bad Request\r\n"), response);
            assertFalse(port.open());
        }
    }

    @Test
    void connectionCloseIsHonoured() throws Exception {
        try (EmbeddedHttpPort port = EmbeddedHttpPort.healthy()) {
            String response = exchange(port, "GET /health/live HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            assertTrue(response.contains("connection: close\r\n"), response);
            assertFalse(port.open());
        }
    }

    @Test
    void metricsAreTheTextFormatOfTheRegistry() throws Exception {
        CollectorRegistry registry = registryWithTwoCounters();
        try (EmbeddedHttpPort port = new EmbeddedHttpPort(new HealthState(() -> false, () -> true, () -> false, () -> true), registry)) {
            String response = exchange(port, get("/metrics"));
            assertTrue(response.startsWith("HTTP/1.1 200 OK\r\n"), response);
            assertTrue(response.contains("content-type: " + TextFormat.CONTENT_TYPE_004 + "\r\n"), response);
            assertEquals(expected(TextFormat.CONTENT_TYPE_004, registry), body(response));

            String filtered = exchange(port, get("/metrics?name[]=tick_storm_b_total"));
            StringWriter onlyB = new StringWriter();
            TextFormat.write004(onlyB, registry.filteredMetricFamilySamples(Set.of("tick_storm_b_total")));
            assertEquals(onlyB.toString(), body(filtered));
            assertFalse(body(filtered).contains("tick_storm_a_total"), filtered);

            String open = exchange(port, "GET /metrics HTTP/1.1\r\nHost: x\r\n"
                    + "Accept: application/openmetrics-text; version=1.0.0; charset=utf-8\r\n\r\n");
            assertTrue(open.contains("content-type: " + TextFormat.CONTENT_TYPE_OPENMETRICS_100 + "\r\n"), open);
            assertTrue(body(open).endsWith("# EOF\n"), open);

            port.send("GET /metrics HTTP/1.1\r\nHost: x\r\nAccept-Encoding: deflate, gzip\r\n\r\n");
            byte[] gzipped = bodyBytes(awaitBytes(port));
            try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gzipped))) {
                assertEquals(expected(TextFormat.CONTENT_TYPE_004, registry),
                        new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
        }
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrderEvenWhenAScrapeIsSlower() throws Exception {
        CollectorRegistry registry = registryWithTwoCounters();
        try (EmbeddedHttpPort port = new EmbeddedHttpPort(new HealthState(() -> false, () -> true, () -> false, () -> true), registry)) {
            port.send(get("/metrics") + get("/health/live") + get("/nowhere"));
            StringBuilder all = new StringBuilder();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (count(all.toString(), "HTTP/1.1 ") < 3 && System.nanoTime() - deadline < 0) {
                String more = port.awaitReceived();
                all.append(more == null ? "" : more);
            }
            String text = all.toString();
            int metrics = text.indexOf("tick_storm_a_total");
            int live = text.indexOf("\r\n\r\nok\n");
            int missing = text.indexOf("HTTP/1.1 404");
            assertTrue(metrics >= 0 && metrics < live && live < missing, text);
        }
    }

    @Test
    void aScrapePastTheQueueIsRefusedAtOnceAndProbesStillAnswer() throws Exception {
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
        health.markStarted();
        List<EmbeddedHttpPort> scrapers = new ArrayList<>();
        try (EmbeddedHttpPort first = new EmbeddedHttpPort(health, registry)) {
            scrapers.add(first);
            first.send(get("/metrics"));
            // The scrape thread is now blocked; its queue holds MAX_WAITING_SCRAPES more, on connections that share it.
            for (int i = 0; i < ScrapeExecutor.MAX_WAITING_SCRAPES; i++) {
                EmbeddedHttpPort queued = new EmbeddedHttpPort(health, first.scrapes);
                scrapers.add(queued);
                queued.send(get("/metrics"));
            }
            EmbeddedHttpPort refused = new EmbeddedHttpPort(health, first.scrapes);
            scrapers.add(refused);
            String response = exchange(refused, get("/metrics"));
            assertTrue(response.startsWith("HTTP/1.1 503 Service Unavailable\r\n"), response);
            assertEquals(1, refused.stats.scrapesRejected());
            assertTrue(exchange(refused, get("/health/live")).startsWith("HTTP/1.1 200 OK"));
            release.countDown();
            for (EmbeddedHttpPort scraper : scrapers.subList(0, 1 + ScrapeExecutor.MAX_WAITING_SCRAPES)) {
                assertTrue(scraper.awaitReceived().startsWith("HTTP/1.1 200 OK"));
            }
        } finally {
            release.countDown();
            for (EmbeddedHttpPort scraper : scrapers.subList(1, scrapers.size())) {
                scraper.close();
            }
        }
    }

    private static CollectorRegistry registryWithTwoCounters() {
        CollectorRegistry registry = new CollectorRegistry();
        Counter.build("tick_storm_a_total", "a.").register(registry).inc();
        Counter.build("tick_storm_b_total", "b.").register(registry).inc(2);
        return registry;
    }

    private static String expected(String contentType, CollectorRegistry registry) throws IOException {
        StringWriter text = new StringWriter();
        TextFormat.writeFormat(contentType, text, registry.metricFamilySamples());
        return text.toString();
    }

    private static String body(String response) {
        return response.substring(response.indexOf("\r\n\r\n") + 4);
    }

    private static byte[] awaitBytes(EmbeddedHttpPort port) throws InterruptedException {
        return port.awaitReceived().getBytes(StandardCharsets.ISO_8859_1);
    }

    private static byte[] bodyBytes(byte[] response) {
        String text = new String(response, StandardCharsets.ISO_8859_1);
        int start = text.indexOf("\r\n\r\n") + 4;
        byte[] body = new byte[response.length - start];
        System.arraycopy(response, start, body, 0, body.length);
        return body;
    }

    private static int count(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }
}

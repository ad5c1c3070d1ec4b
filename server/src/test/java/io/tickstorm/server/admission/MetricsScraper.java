package io.tickstorm.server.admission;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * Reads a running server's {@code /metrics} and {@code /health/ready} over real HTTP, as Prometheus and the kubelet
 * do. Samples are keyed exactly as the text format writes them, e.g.
 * {@code tick_storm_connections_rejected_total{reason="connection_cap",}}.
 */
final class MetricsScraper {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final long AWAIT_POLL_MILLIS = 20;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    private final URI metrics;
    private final URI ready;

    MetricsScraper(int port) {
        this.metrics = URI.create("http://127.0.0.1:" + port + "/metrics");
        this.ready = URI.create("http://127.0.0.1:" + port + "/health/ready");
    }

    /** Every sample of one scrape: sample key (name and label block) to value. */
    Map<String, Double> scrape() {
        Map<String, Double> samples = new HashMap<>();
        for (String line : get(metrics).body().split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int space = line.lastIndexOf(' ');
            samples.put(line.substring(0, space), parseValue(line.substring(space + 1)));
        }
        return samples;
    }

    /** The text format's values: Go-style {@code +Inf}, {@code -Inf} and {@code NaN} besides plain numbers. */
    private static double parseValue(String text) {
        switch (text) {
            case "+Inf":
                return Double.POSITIVE_INFINITY;
            case "-Inf":
                return Double.NEGATIVE_INFINITY;
            default:
                return Double.parseDouble(text);
        }
    }

    /** One sample's value; a labelled counter child that was never incremented is not exported, so 0 then. */
    double value(String sample) {
        return scrape().getOrDefault(sample, 0.0);
    }

    /** HTTP status of {@code /health/ready}. */
    int readiness() {
        return get(ready).statusCode();
    }

    /** HTTP status of another path on the same port, e.g. {@code /health/live}. */
    int status(String path) {
        return get(metrics.resolve(path)).statusCode();
    }

    /**
     * Waits (bounded) until {@code sample} reads {@code expected}: the server updates some gauges on its event loops
     * after the client side has already returned. Fails with the last value seen.
     */
    void await(String sample, double expected) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos() * 2;
        double seen = value(sample);
        while (seen != expected && System.nanoTime() - deadline < 0) {
            Thread.sleep(AWAIT_POLL_MILLIS);
            seen = value(sample);
        }
        assertEquals(expected, seen, sample);
    }

    /** Waits (bounded) until {@code sample} reads at least {@code minimum}; fails with the last value seen. */
    void awaitAtLeast(String sample, double minimum) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos() * 2;
        double seen = value(sample);
        while (seen < minimum && System.nanoTime() - deadline < 0) {
            Thread.sleep(AWAIT_POLL_MILLIS);
            seen = value(sample);
        }
        assertTrue(seen >= minimum, sample + " = " + seen + ", expected at least " + minimum);
    }

    private HttpResponse<String> get(URI uri) {
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(TIMEOUT).GET().build();
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException("GET " + uri, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during GET " + uri, e);
        }
    }
}

package io.tickstorm.server.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/** A real HTTP scrape of {@code /metrics} (or a health endpoint), parsed into {@code series -> value}. */
public final class Scrape {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final Map<String, Double> values;

    private Scrape(Map<String, Double> values) {
        this.values = values;
    }

    public static HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    public static Scrape metrics(int port) throws IOException, InterruptedException {
        HttpResponse<String> response = get(port, "/metrics");
        assertEquals(200, response.statusCode());
        Map<String, Double> values = new HashMap<>();
        for (String line : response.body().split("\n")) {
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int space = line.lastIndexOf(' ');
            String number = line.substring(space + 1);
            values.put(line.substring(0, space), switch (number) {
                case "+Inf" -> Double.POSITIVE_INFINITY;
                case "-Inf" -> Double.NEGATIVE_INFINITY;
                default -> Double.parseDouble(number);
            });
        }
        return new Scrape(values);
    }

    /** The value of a series written as in the exposition, e.g. {@code tick_storm_x_total{code="y",}}; 0 if absent. */
    public double value(String series) {
        return values.getOrDefault(series, 0.0);
    }

    public boolean has(String series) {
        return values.containsKey(series);
    }
}

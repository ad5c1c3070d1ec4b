package io.tickstorm.server.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.prometheus.client.exporter.HTTPServer;
import io.tickstorm.server.config.HostPort;
import io.tickstorm.server.health.HealthState;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The HTTP side of the server: {@code /metrics} (Prometheus text, served by simpleclient_httpserver) and the health
 * endpoints {@code /health/live}, {@code /health/ready} and {@code /health/startup} on the same port. A probe
 * answers 200 with {@code ok} or 503 with the reason.
 */
public final class MetricsHttpServer implements AutoCloseable {

    private final HTTPServer server;

    public MetricsHttpServer(HostPort address, ServerMetrics metrics, HealthState health) throws IOException {
        HttpServer http = HttpServer.create(address.toSocketAddress(), 64);
        http.createContext("/health/live", exchange -> respond(exchange, health::live,
                () -> String.join(", ", health.notLiveReasons())));
        http.createContext("/health/startup", exchange -> respond(exchange, health::started, () -> "starting"));
        http.createContext("/health/ready", exchange -> respond(exchange, health::ready,
                () -> String.join(", ", health.notReadyReasons())));
        server = new HTTPServer.Builder().withHttpServer(http).withRegistry(metrics.registry()).withDaemonThreads(true)
                .build();
    }

    /** The bound port (useful when configured as 0). */
    public int port() {
        return server.getPort();
    }

    public InetSocketAddress address() {
        return new InetSocketAddress("127.0.0.1", port());
    }

    /** {@code failure} is asked only when the check fails (the liveness reasons re-run the event-loop probe). */
    private static void respond(HttpExchange exchange, BooleanSupplier check, Supplier<String> failure)
            throws IOException {
        try (exchange) {
            boolean ok = check.getAsBoolean();
            byte[] body = ((ok ? "ok" : failure.get()) + "\n").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
            exchange.getResponseHeaders().set("Cache-Control", "no-store");
            if ("HEAD".equals(exchange.getRequestMethod())) {
                exchange.sendResponseHeaders(ok ? 200 : 503, -1);
                return;
            }
            exchange.sendResponseHeaders(ok ? 200 : 503, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    @Override
    public void close() {
        server.close();
    }
}

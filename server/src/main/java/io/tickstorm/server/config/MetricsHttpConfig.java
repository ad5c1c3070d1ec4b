package io.tickstorm.server.config;

import com.typesafe.config.Config;
import java.time.Duration;
import java.util.Objects;

/**
 * The metrics and health HTTP port: where it listens and how much any HTTP client may take of it.
 *
 * @param address        host:port it listens on ({@code METRICS_ADDR})
 * @param maxConnections sockets it holds at once; a new one past the cap closes the least recently active one
 *                       ({@code METRICS_MAX_CONNECTIONS}). These descriptors come out of {@code limits.fd-reserve}.
 * @param requestTimeout a request must arrive whole within this time of its first byte (of the accept for a new
 *                       connection), and its response must be written within it ({@code METRICS_REQUEST_TIMEOUT_MS})
 * @param idleTimeout    a kept-alive connection with no request under way is closed after this time
 *                       ({@code METRICS_IDLE_TIMEOUT_MS})
 */
public record MetricsHttpConfig(HostPort address, int maxConnections, Duration requestTimeout, Duration idleTimeout) {

    public static final String ADDRESS_KEY = "tick-storm.metrics-addr";
    public static final String MAX_CONNECTIONS_KEY = "tick-storm.metrics-http.max-connections";
    public static final String REQUEST_TIMEOUT_KEY = "tick-storm.metrics-http.request-timeout";
    public static final String IDLE_TIMEOUT_KEY = "tick-storm.metrics-http.idle-timeout";

    /** Fewest sockets that still let a probe in beside a scrape in flight. */
    public static final int MIN_CONNECTIONS = 2;

    public MetricsHttpConfig {
        Objects.requireNonNull(address, ADDRESS_KEY);
        if (maxConnections < MIN_CONNECTIONS) {
            throw new IllegalArgumentException(MAX_CONNECTIONS_KEY + " must be at least " + MIN_CONNECTIONS + ", got "
                    + maxConnections);
        }
        Settings.requirePositive(REQUEST_TIMEOUT_KEY, requestTimeout);
        Settings.requirePositive(IDLE_TIMEOUT_KEY, idleTimeout);
    }

    public static MetricsHttpConfig from(Config root) {
        return new MetricsHttpConfig(HostPort.parse(ADDRESS_KEY, Settings.string(root, ADDRESS_KEY)),
                Settings.integer(root, MAX_CONNECTIONS_KEY), Settings.duration(root, REQUEST_TIMEOUT_KEY),
                Settings.duration(root, IDLE_TIMEOUT_KEY));
    }
}

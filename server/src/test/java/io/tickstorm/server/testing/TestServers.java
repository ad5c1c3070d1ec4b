package io.tickstorm.server.testing;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.tickstorm.limits.Limits;
import io.tickstorm.limits.LimitsConfig;
import io.tickstorm.server.TickServer;
import io.tickstorm.server.config.ServerConfig;
import io.tickstorm.server.metrics.ServerMetrics;
import java.util.HashMap;
import java.util.Map;

/**
 * Real servers for integration tests: bound to 127.0.0.1 on ephemeral ports, plain TCP unless a test turns TLS on,
 * user {@value #USER} / {@value #PASSWORD}, a short backfill so startup is quick, a descriptor reserve sized for
 * the test JVM. Settings use full config paths
 * ({@code tick-storm.heartbeat.timeout}) and override the shipped reference.conf.
 */
public final class TestServers {

    public static final String USER = "alice";
    public static final String PASSWORD = "wonderland";

    private TestServers() {
    }

    /** The test defaults merged over the shipped reference.conf, with {@code overrides} on top. */
    public static Config config(Map<String, ?> overrides) {
        Map<String, Object> settings = new HashMap<>();
        settings.put("tick-storm.listen-addr", "127.0.0.1:0");
        settings.put("tick-storm.metrics-addr", "127.0.0.1:0");
        settings.put("tick-storm.tls.enabled", false);
        settings.put("tick-storm.auth.username", USER);
        settings.put("tick-storm.auth.password", PASSWORD);
        settings.put("tick-storm.feed.backfill", "2m");
        settings.put("tick-storm.shutdown-grace", "2s");
        // The test JVM holds far more descriptors than a server process (every jar of the test class path, the
        // in-process Kafka broker's files and sockets, other test classes' leftovers until GC): a production-size
        // reserve would put every test server into an open-files breach. Tests about the reserve set their own.
        settings.put("tick-storm.limits.fd-reserve", 4096);
        settings.putAll(overrides);
        return ConfigFactory.parseMap(settings).withFallback(ConfigFactory.defaultReference()).resolve();
    }

    /** Starts a server; the caller closes it. */
    public static TickServer start(Map<String, ?> overrides) throws Exception {
        Config root = config(overrides);
        ServerConfig config = ServerConfig.from(root);
        Limits limits = Limits.detect(LimitsConfig.from(root), config.eventLoopThreads());
        return new TickServer(config, limits, new ServerMetrics()).start();
    }

    public static TickServer start() throws Exception {
        return start(Map.of());
    }
}

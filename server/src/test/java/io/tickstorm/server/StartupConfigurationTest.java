package io.tickstorm.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tickstorm.server.config.SettingCatalog;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Configuration errors as an operator meets them: set as environment variables, reported by variable and value as
 * typed, all at once, before any startup work.
 */
class StartupConfigurationTest {

    private static final SettingCatalog CATALOG = SettingCatalog.load();

    /** A runnable environment (free ports on 127.0.0.1, plain TCP) plus {@code overrides}. */
    private static Map<String, String> env(Map<String, String> overrides) {
        Map<String, String> env = new HashMap<>();
        env.put("LISTEN_ADDR", "127.0.0.1:0");
        env.put("METRICS_ADDR", "127.0.0.1:0");
        env.put("TLS_ENABLED", "false");
        env.put("FD_RESERVE", "4096");
        env.putAll(overrides);
        return env;
    }

    private static List<String> problems(Map<String, String> overrides) {
        return new StartupConfiguration(CATALOG, env(overrides)).load().problems();
    }

    private static void assertReported(List<String> problems, String expected) {
        assertTrue(problems.contains(expected), "expected <" + expected + "> in " + problems);
    }

    @Test
    void aValidEnvironmentLoads() {
        StartupConfiguration.Result result = new StartupConfiguration(CATALOG, env(Map.of("AUTH_BLOCK_DURATION",
                "300s", "SHUTDOWN_GRACE_MS", "1500"))).load();
        assertEquals(List.of(), result.problems());
        assertEquals(List.of(), result.bindProblems());
        assertNotNull(result.config());
        assertEquals(1500, result.config().shutdownGrace().toMillis(), "a bare number is milliseconds for *_MS");
    }

    @Test
    void namesTheVariableAndEchoesTheValueAsTyped() {
        assertReported(problems(Map.of("SHUTDOWN_GRACE_MS", "-5s")), "SHUTDOWN_GRACE_MS=-5s: must not be negative");
        assertReported(problems(Map.of("MAX_CONNECTIONS", "lots")), "MAX_CONNECTIONS=lots: expected a whole number");
        assertReported(problems(Map.of("INBOUND_FRAME_BURST", "0")), "INBOUND_FRAME_BURST=0: must be at least 1");
        assertReported(problems(Map.of("LISTEN_ADDR", "8080")), "LISTEN_ADDR=8080: expected host:port");
        assertReported(problems(Map.of("TLS_ENABLED", "yes please")), "TLS_ENABLED=yes please: must be true or false");
        List<String> problems = problems(Map.of("OUTBOUND_BUDGET_BYTES", "1KiB"));
        assertTrue(problems.stream().anyMatch(p -> p.startsWith("OUTBOUND_BUDGET_BYTES=1KiB: must be at least "
                + "WRITE_BUFFER_HIGH_WATER_BYTES")), problems.toString());
        assertTrue(problems.stream().noneMatch(p -> p.contains("tick-storm.") || p.contains("PT")),
                "no HOCON keys or Java durations: " + problems);
    }

    @Test
    void refusesABareNumberForADurationVariableWithoutMsInItsName() {
        assertReported(problems(Map.of("AUTH_BLOCK_DURATION", "300")),
                "AUTH_BLOCK_DURATION=300: give a unit, e.g. 300s");
        assertReported(problems(Map.of("HISTORY_SECOND_RETENTION", "600")),
                "HISTORY_SECOND_RETENTION=600: give a unit, e.g. 600s");
    }

    @Test
    void anInvalidLogLevelStopsStartup() {
        assertReported(problems(Map.of("LOG_LEVEL", "verbose")),
                "LOG_LEVEL=verbose: must be one of TRACE, DEBUG, INFO, WARN, ERROR or OFF");
        assertEquals(List.of(), problems(Map.of("LOG_LEVEL", "debug")));
    }

    @Test
    void missingFilesAreReportedWithTheRestBeforeAnyStartupWork(@TempDir Path dir) {
        List<String> problems = problems(Map.of(
                "CREDENTIALS_FILE", dir.resolve("users.txt").toString(),
                "TLS_ENABLED", "true",
                "TLS_CERT_FILE", dir.resolve("tls.crt").toString(),
                "TLS_KEY_FILE", dir.resolve("tls.key").toString(),
                "AUTH_BLOCK_DURATION", "300",
                "LOG_LEVEL", "loud"));
        assertReported(problems, "CREDENTIALS_FILE=" + dir.resolve("users.txt") + ": no such file");
        assertReported(problems, "TLS_CERT_FILE=" + dir.resolve("tls.crt") + ": no such file");
        assertReported(problems, "TLS_KEY_FILE=" + dir.resolve("tls.key") + ": no such file");
        assertReported(problems, "AUTH_BLOCK_DURATION=300: give a unit, e.g. 300s");
        assertTrue(problems.stream().anyMatch(p -> p.startsWith("LOG_LEVEL=loud: ")), problems.toString());
        assertReported(problems(Map.of("FEED_SOURCE", "file", "FEED_FILE", dir.resolve("ticks.ndjson").toString())),
                "FEED_FILE=" + dir.resolve("ticks.ndjson") + ": no such file");
        assertReported(problems(Map.of("FEED_SOURCE", "file", "FEED_FILE", dir.toString())),
                "FEED_FILE=" + dir + ": is a directory, not a file");
        // Files the server will not read stop nothing: TLS off, another source.
        assertEquals(List.of(), problems(Map.of("FEED_FILE", dir.resolve("ticks.ndjson").toString(),
                "TLS_CERT_FILE", dir.resolve("tls.crt").toString(), "TLS_KEY_FILE", dir.resolve("tls.key").toString(),
                "KAFKA_PROPERTIES_FILE",
                dir.resolve("kafka.properties").toString())));
    }

    @Test
    void eachVariableIsReportedOnce() {
        List<String> problems = problems(Map.of("RESOURCE_SAMPLE_INTERVAL_MS", "soon"));
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).startsWith("RESOURCE_SAMPLE_INTERVAL_MS=soon: "), problems.toString());
    }

    @Test
    void secretsAreNeverEchoed() {
        List<String> problems = problems(Map.of("AUTH_PASSWORD", "hunter2"));
        assertReported(problems, "AUTH_PASSWORD=***: must be set together with AUTH_USERNAME");
        assertTrue(problems.stream().noneMatch(p -> p.contains("hunter2")), problems.toString());
    }

    @Test
    void refusesTheTickListenersAddressForMetrics() {
        assertReported(problems(Map.of("LISTEN_ADDR", "127.0.0.1:18080", "METRICS_ADDR", "0.0.0.0:18080")),
                "METRICS_ADDR=0.0.0.0:18080: must not be the address of LISTEN_ADDR (127.0.0.1:18080): the metrics "
                        + "port and the tick port need different ports");
    }

    @Test
    void aPortInUseNamesTheListenerAndItsVariable() throws IOException {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress("127.0.0.1", 0));
            String address = "127.0.0.1:" + taken.getLocalPort();
            StartupConfiguration.Result tick = new StartupConfiguration(CATALOG,
                    env(Map.of("LISTEN_ADDR", address))).load();
            assertEquals(List.of(), tick.problems());
            assertEquals(List.of("cannot bind LISTEN_ADDR " + address + ": address already in use"),
                    tick.bindProblems());
            StartupConfiguration.Result metrics = new StartupConfiguration(CATALOG,
                    env(Map.of("METRICS_ADDR", address))).load();
            assertEquals(List.of("cannot bind METRICS_ADDR " + address + ": address already in use"),
                    metrics.bindProblems());
        }
    }

    @Test
    void theEffectiveConfigurationListsEverySettingWithSecretsMasked() {
        StartupConfiguration.Result result = new StartupConfiguration(CATALOG,
                env(Map.of("STREAM_USER", "bob", "STREAM_PASS", "s3cret", "AUTH_BLOCK_DURATION", "2m"))).load();
        Map<String, Object> values = CATALOG.effectiveValues(result.root());
        for (SettingCatalog.Setting setting : CATALOG.settings()) {
            assertTrue(values.containsKey(setting.envVar()), setting.envVar());
        }
        assertEquals("***", values.get("AUTH_PASSWORD"));
        assertEquals("bob", values.get("AUTH_USERNAME"));
        assertEquals("2m", values.get("AUTH_BLOCK_DURATION"));
        assertFalse(values.toString().contains("s3cret"));
    }
}

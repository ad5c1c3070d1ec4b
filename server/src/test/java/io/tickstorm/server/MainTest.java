package io.tickstorm.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tickstorm.server.config.SettingCatalog;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The command line: help, usage errors, and startup failures reported before any startup work. */
class MainTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(Map<String, String> env, String... args) throws InterruptedException {
        return Main.run(args, env, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void helpPrintsEveryVariableWithItsDefaultAndMeaningOnStdout() throws InterruptedException {
        assertEquals(0, run(Map.of(), "--help"));
        String help = out();
        assertEquals("", err());
        SettingCatalog catalog = SettingCatalog.load();
        assertTrue(catalog.settings().size() > 80, "both reference.conf files are read");
        for (SettingCatalog.Setting setting : catalog.settings()) {
            assertFalse(setting.envVars().isEmpty(), setting.key() + " has no environment variable");
            assertFalse(setting.meaning().isBlank(), setting.key() + " has no comment in reference.conf");
            for (String variable : setting.envVars()) {
                assertTrue(help.contains(variable), variable + " missing from --help");
            }
        }
        assertTrue(help.contains("AUTH_BLOCK_DURATION") && help.contains("5m"));
        assertTrue(help.contains("LOG_LEVEL") && help.contains("INFO"));
        assertTrue(help.contains("How long an address (or an account, for strangers) stays blocked"), help);
        assertEquals(List.of(), help.lines().filter(line -> line.length() > 120).toList(), "fits 120 columns");
    }

    @Test
    void theReadmeTableListsEveryVariable() throws IOException {
        String readme = Files.readString(Path.of("..", "README.md"));
        for (SettingCatalog.Setting setting : SettingCatalog.load().settings()) {
            for (String variable : setting.envVars()) {
                assertTrue(readme.contains("`" + variable + "`"), variable + " missing from README.md");
            }
        }
    }

    @Test
    void anUnknownArgumentIsNamedAndExitsTwo() throws InterruptedException {
        assertEquals(2, run(Map.of(), "--port", "8080"));
        assertTrue(err().contains("unknown argument '--port'"), err());
        assertTrue(err().contains("usage:"), err());
        assertEquals("", out());
    }

    @Test
    void configurationErrorsAreAllReportedOnStderrAndExitTwo() throws InterruptedException {
        assertEquals(2, run(Map.of("SHUTDOWN_GRACE_MS", "-5s", "AUTH_BLOCK_DURATION", "300", "LOG_LEVEL", "chatty")));
        assertTrue(err().contains("tick-storm: invalid configuration: SHUTDOWN_GRACE_MS=-5s: must not be negative"),
                err());
        assertTrue(err().contains("tick-storm: invalid configuration: AUTH_BLOCK_DURATION=300: give a unit, e.g. "
                + "300s"), err());
        assertTrue(err().contains("tick-storm: invalid configuration: LOG_LEVEL=chatty: "), err());
        assertEquals("", out());
    }

    @Test
    void aPortInUseStopsStartupNamingTheListener() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress("127.0.0.1", 0));
            String address = "127.0.0.1:" + taken.getLocalPort();
            // A feed whose startup would fail if it were reached: the bind is checked before it.
            assertEquals(1, run(Map.of("LISTEN_ADDR", address, "METRICS_ADDR", "127.0.0.1:0", "TLS_ENABLED",
                    "false", "FD_RESERVE", "4096", "FEED_SOURCE", "kafka", "KAFKA_BOOTSTRAP_SERVERS",
                    "127.0.0.1:1")));
            assertEquals("tick-storm: cannot bind LISTEN_ADDR " + address + ": address already in use\n", err());
        }
    }
}

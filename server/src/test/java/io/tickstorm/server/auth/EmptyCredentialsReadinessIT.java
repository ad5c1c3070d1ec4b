package io.tickstorm.server.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tickstorm.server.TickServer;
import io.tickstorm.server.testing.Scrape;
import io.tickstorm.server.testing.TestServers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A credentials file without users admits nobody: the server must not report ready (a green rollout that locks
 * everyone out), and must become ready once a hot reload brings users.
 */
class EmptyCredentialsReadinessIT {

    /** The reload runs every 10 s; this only bounds a failure. */
    private static final long READY_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(60);

    @Test
    void notReadyWithTheReasonUntilAReloadBringsUsers(@TempDir Path dir) throws Exception {
        Path credentials = dir.resolve("users.txt");
        Files.writeString(credentials, "# no users yet\n");
        try (TickServer server = TestServers.start(Map.of("tick-storm.auth.username", "",
                "tick-storm.auth.password", "", "tick-storm.auth.credentials-file", credentials.toString()))) {
            HttpResponse<String> ready = Scrape.get(server.metricsPort(), "/health/ready");
            assertEquals(503, ready.statusCode());
            assertTrue(ready.body().contains("no users in the credentials file " + credentials), ready.body());
            assertEquals(200, Scrape.get(server.metricsPort(), "/health/live").statusCode(), "alive all the same");

            String hash = Argon2idHash.create("pw".getBytes(StandardCharsets.UTF_8), 64, 1, 1, new SecureRandom())
                    .encoded();
            Files.writeString(credentials, "alice:" + hash + "\n");
            long deadline = System.nanoTime() + READY_TIMEOUT_NANOS;
            while (ready.statusCode() != 200 && deadline - System.nanoTime() > 0) {
                Thread.sleep(200);
                ready = Scrape.get(server.metricsPort(), "/health/ready");
            }
            assertEquals(200, ready.statusCode(), ready.body());
        }
    }
}

package io.tickstorm.server.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class AuthConfigTest {

    private static Config withReference(String overrides) {
        return ConfigFactory.parseString(overrides)
                .withFallback(ConfigFactory.parseResources("reference.conf"))
                .resolve();
    }

    @Test
    void readsTheReferenceDefaults() {
        AuthConfig config = AuthConfig.from(withReference("tick-storm.auth { username = \"\", password = \"\", "
                + "credentials-file = \"\" }"));

        assertEquals(TimeUnit.SECONDS.toNanos(10), config.timeoutNanos());
        assertEquals(Optional.empty(), config.credentialsFile());
        assertEquals(5, config.maxAttempts());
        assertEquals(20, config.accountMaxAttempts());
        assertEquals(TimeUnit.DAYS.toNanos(7), config.knownSourceTtlNanos());
        assertEquals(TimeUnit.MINUTES.toNanos(1), config.rateLimitWindowNanos());
        assertEquals(TimeUnit.MINUTES.toNanos(5), config.blockDurationNanos());
        assertEquals(TimeUnit.MINUTES.toNanos(10), config.cacheTtlNanos());
        assertEquals(100_000, config.cacheMaxEntries());
        assertEquals(1, config.hashThreads());
        assertEquals(256, config.hashQueueSize());
        assertFalse(config.hasCredentials());
    }

    @Test
    void readsOverridesWithBareMillisecondsAndUnits() {
        AuthConfig config = AuthConfig.from(withReference("tick-storm.auth { timeout = 2500, "
                + "credentials-file = \"/run/secrets/users\", username = u, password = p, max-attempts = 3, "
                + "rate-limit-window = 30s, block-duration = 2m, cache-ttl = 0, hash-threads = 2, "
                + "account-max-attempts = 50, known-source-ttl = 0 }"));

        assertEquals(TimeUnit.MILLISECONDS.toNanos(2500), config.timeoutNanos());
        assertEquals(Optional.of(Path.of("/run/secrets/users")), config.credentialsFile());
        assertEquals(3, config.maxAttempts());
        assertEquals(50, config.accountMaxAttempts());
        assertEquals(0, config.knownSourceTtlNanos());
        assertEquals(TimeUnit.SECONDS.toNanos(30), config.rateLimitWindowNanos());
        assertEquals(TimeUnit.MINUTES.toNanos(2), config.blockDurationNanos());
        assertEquals(0, config.cacheTtlNanos());
        assertEquals(2, config.hashThreads());
        assertTrue(config.hasCredentials());
    }

    @Test
    void rejectsInvalidValuesNamingTheKey() {
        assertKey("max-attempts = 0", "tick-storm.auth.max-attempts");
        assertKey("account-max-attempts = 0", "tick-storm.auth.account-max-attempts");
        assertKey("known-source-ttl = -1s", "tick-storm.auth.known-source-ttl");
        assertKey("rate-limit-window = 0", "tick-storm.auth.rate-limit-window");
        assertKey("block-duration = 0", "tick-storm.auth.block-duration");
        assertKey("timeout = 0", "tick-storm.auth.timeout");
        assertKey("cache-ttl = -1", "tick-storm.auth.cache-ttl");
        assertKey("cache-max-entries = -1", "tick-storm.auth.cache-max-entries");
        assertKey("hash-threads = 0", "tick-storm.auth.hash-threads");
        assertKey("hash-threads = 1000", "tick-storm.auth.hash-threads");
        assertKey("hash-queue-size = 0", "tick-storm.auth.hash-queue-size");
        // The one set leads (it is the variable the operator set); the message names the other.
        assertKey("username = u, password = \"\"", "tick-storm.auth.username");
        assertKey("username = \"\", password = p", "tick-storm.auth.password");
    }

    @Test
    void toStringMasksThePassword() {
        AuthConfig config = AuthConfig.from(withReference(
                "tick-storm.auth { username = stream, password = \"hunter2\", credentials-file = \"\" }"));

        assertFalse(config.toString().contains("hunter2"), config.toString());
        assertTrue(config.toString().contains("username=stream"), config.toString());
    }

    @Test
    void replacesThePlainUser() {
        AuthConfig config = AuthConfig.from(withReference("tick-storm.auth { username = \"\", password = \"\", "
                + "credentials-file = \"\" }"));

        AuthConfig generated = config.withPlainUser("admin", "generated");

        assertEquals("admin", generated.username());
        assertEquals("generated", generated.password());
        assertTrue(generated.hasCredentials());
    }

    private static void assertKey(String override, String key) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AuthConfig.from(
                withReference("tick-storm.auth { username = \"\", password = \"\", " + override + " }")));
        assertTrue(e.getMessage().startsWith(key + " "), e.getMessage());
    }
}

package io.tickstorm.server.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import io.tickstorm.server.admission.LogCapture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CredentialsReloadTaskTest {

    private static final SecureRandom RANDOM = new SecureRandom();

    @TempDir
    Path dir;

    @Test
    void aReloadIsLoggedOnceAndAnUnchangedFileNotAtAll() throws IOException {
        Path users = dir.resolve("users");
        Files.writeString(users, line("alice") + "\n");
        Authenticator auth = new Authenticator(AuthenticatorTest.config(Optional.of(users), "", "", 10, 0, 1, 100));
        try (LogCapture log = LogCapture.on(Logger.ROOT_LOGGER_NAME)) {
            CredentialsReloadTask task = new CredentialsReloadTask(auth);
            Files.writeString(users, line("alice") + "\n" + line("bob") + "\n");

            task.run();
            task.run();

            assertEquals(List.of("Credentials reloaded: 2 users"), messages(log, Level.INFO));
        } finally {
            auth.close();
        }
    }

    @Test
    void aFailedReloadIsLoggedOnceAndKeepsPolling() throws IOException {
        Path users = dir.resolve("users");
        Files.writeString(users, line("alice") + "\n");
        Authenticator auth = new Authenticator(AuthenticatorTest.config(Optional.of(users), "", "", 10, 0, 1, 100));
        try (LogCapture log = LogCapture.on(Logger.ROOT_LOGGER_NAME)) {
            CredentialsReloadTask task = new CredentialsReloadTask(auth);
            Files.writeString(users, "trader:PLACEHOLDER-make-this-line-with-hash-password\n");

            task.run();
            task.run();
            List<String> warnings = messages(log, Level.WARN);
            assertEquals(1, warnings.size(), warnings.toString());
            assertTrue(warnings.get(0).startsWith("Credentials reload failed, keeping the previous credentials: "
                    + "credentials file " + users + ", line 1: user 'trader' has a PLACEHOLDER"), warnings.get(0));
            assertEquals(1, auth.users());

            Files.writeString(users, line("alice") + "\n" + line("bob") + "\n");
            task.run();
            assertEquals(List.of("Credentials reloaded: 2 users"), messages(log, Level.INFO));
        } finally {
            auth.close();
        }
    }

    private static List<String> messages(LogCapture log, Level level) {
        return log.events().stream().filter(e -> e.getLevel() == level).map(ILoggingEvent::getFormattedMessage)
                .filter(m -> m.startsWith("Credentials")).toList();
    }

    private static String line(String user) {
        return user + ":" + Argon2idHash.create(PasswordHashTest.utf8(user + "-pw"), 64, 1, 1, RANDOM).encoded();
    }
}

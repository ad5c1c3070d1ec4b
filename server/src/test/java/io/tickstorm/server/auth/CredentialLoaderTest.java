package io.tickstorm.server.auth;

import static io.tickstorm.server.auth.PasswordHashTest.utf8;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The decoy that unknown users are checked against costs what the configured users cost (issue 12 item 10). */
class CredentialLoaderTest {

    private static final SecureRandom RANDOM = new SecureRandom();

    @TempDir
    Path dir;

    @Test
    void decoyParametersEqualThoseOfTheConfiguredUsers() throws IOException {
        String argon = Argon2idHash.create(utf8("a"), 128, 2, 1, RANDOM).cost();
        CredentialStore argonUsers = load(List.of(argonLine("alice", 128, 2), argonLine("bob", 128, 2)), "");
        assertEquals(argon, argonUsers.decoy().cost());

        String bcrypt = BcryptHash.create(utf8("a"), 5, RANDOM).cost();
        CredentialStore bcryptUsers = load(List.of(bcryptLine("alice", 5), bcryptLine("bob", 5)), "");
        assertEquals(bcrypt, bcryptUsers.decoy().cost());
    }

    @Test
    void decoyTakesTheCostMostUsersShareAndTheOthersAreReportedAtLoad() throws IOException {
        try (LogCapture log = LogCapture.on(CredentialLoader.class.getName())) {
            CredentialStore store = load(List.of(bcryptLine("bob", 4), argonLine("alice", 64, 1),
                    argonLine("carol", 64, 1), argonLine("dave", 64, 1)), "");

            assertEquals(store.lookup("alice").cost(), store.decoy().cost(), "the majority, not the first line");
            List<String> warnings = log.events().stream().filter(e -> e.getLevel() == Level.WARN)
                    .map(ILoggingEvent::getFormattedMessage).toList();
            assertEquals(1, warnings.size(), warnings::toString);
            String warning = warnings.get(0);
            assertTrue(warning.startsWith("Credentials use 2 different hash costs"), warning);
            assertTrue(warning.contains("1 user(s) (bob)"), warning);
            assertTrue(warning.contains(store.lookup("bob").cost() + "=1"), warning);
        }
    }

    @Test
    void uniformCostsAreNotReported() throws IOException {
        try (LogCapture log = LogCapture.on(CredentialLoader.class.getName())) {
            load(List.of(argonLine("alice", 64, 1), argonLine("bob", 64, 1)), "");

            assertTrue(log.events().stream().noneMatch(e -> e.getLevel() == Level.WARN));
        }
    }

    @Test
    void thePlainUserIsHashedAtTheCostOfTheFileUsers() throws IOException {
        CredentialStore store = load(List.of(bcryptLine("alice", 5), bcryptLine("bob", 5)), "stream");

        assertEquals(store.lookup("alice").cost(), store.lookup("stream").cost());
        assertEquals(store.lookup("alice").cost(), store.decoy().cost());
    }

    private CredentialStore load(List<String> lines, String plainUser) throws IOException {
        Path file = dir.resolve("users");
        Files.writeString(file, String.join("\n", lines) + "\n");
        AuthConfig config = AuthenticatorTest.config(Optional.of(file), plainUser,
                plainUser.isEmpty() ? "" : "plain-pw", 5, 0, 1, 10);
        return new CredentialLoader(config, RANDOM).initial();
    }

    private static String argonLine(String user, int memoryKib, int iterations) {
        return user + ":" + Argon2idHash.create(utf8(user + "-pw"), memoryKib, iterations, 1, RANDOM).encoded();
    }

    private static String bcryptLine(String user, int cost) {
        return user + ":" + BcryptHash.create(utf8(user + "-pw"), cost, RANDOM).encoded();
    }
}

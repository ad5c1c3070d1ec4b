package io.tickstorm.server.auth;

import static io.tickstorm.server.auth.PasswordHashTest.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HashPasswordCommandTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String stdin, String... args) {
        return HashPasswordCommand.run(args, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String output() {
        return out.toString(StandardCharsets.UTF_8).strip();
    }

    @Test
    void printsAnArgon2idHashWithServerDefaultsThatVerifies() {
        assertEquals(HashPasswordCommand.OK, run("correct horse battery staple\n"));

        String encoded = output();
        assertTrue(encoded.startsWith("$argon2id$v=19$m=19456,t=2,p=1$"), encoded);
        PasswordHash hash = PasswordHash.parse(encoded);
        assertTrue(hash.matches(utf8("correct horse battery staple")));
        assertFalse(hash.matches(utf8("correct horse battery staple\n")));
    }

    @Test
    void printsABcryptLineForTheCredentialsFile() {
        assertEquals(HashPasswordCommand.OK, run("pässword\r\nignored second line\n", "--bcrypt", "--user", "alice"));

        String line = output();
        assertTrue(line.startsWith("alice:$2b$12$"), line);
        Map<String, PasswordHash> users = CredentialsFile.parse("out", utf8(line));
        assertInstanceOf(BcryptHash.class, users.get("alice"));
        assertTrue(users.get("alice").matches(utf8("pässword")));
    }

    @Test
    void acceptsAPasswordWithoutATrailingNewline() {
        assertEquals(HashPasswordCommand.OK, run("no-newline", "--user", "bob"));

        assertTrue(CredentialsFile.parse("out", utf8(output())).get("bob").matches(utf8("no-newline")));
    }

    @Test
    void refusesAnEmptyPassword() {
        assertEquals(HashPasswordCommand.BAD_PASSWORD, run("\n"));
        assertEquals(HashPasswordCommand.BAD_PASSWORD, run(""));
        assertEquals("", output());
    }

    @Test
    void refusesPasswordsThatBcryptWouldTruncate() {
        assertEquals(HashPasswordCommand.BAD_PASSWORD, run("x".repeat(73) + "\n", "--bcrypt"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("72 bytes"));
    }

    @Test
    void rejectsUnknownArgumentsAndBadUserNames() {
        assertEquals(HashPasswordCommand.USAGE, run("pw\n", "secret-on-the-command-line"));
        assertEquals(HashPasswordCommand.USAGE, run("pw\n", "--user"));
        assertEquals(HashPasswordCommand.USAGE, run("pw\n", "--user", "a:b"));
        assertEquals(HashPasswordCommand.USAGE, run("pw\n", "--user", "a b"));
        assertEquals("", output());
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("usage: hash-password"));
    }
}

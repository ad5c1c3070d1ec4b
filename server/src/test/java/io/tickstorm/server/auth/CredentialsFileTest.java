package io.tickstorm.server.auth;

import static io.tickstorm.server.auth.PasswordHashTest.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CredentialsFileTest {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String ARGON = Argon2idHash.create(utf8("alice-pw"), 64, 1, 1, RANDOM).encoded();
    private static final String BCRYPT = BcryptHash.create(utf8("bob-pw"), 4, RANDOM).encoded();

    private static Map<String, PasswordHash> parse(String content) {
        return CredentialsFile.parse("/etc/tick-storm/users", utf8(content));
    }

    @Test
    void parsesUsersSkippingBlankLinesAndComments() {
        Map<String, PasswordHash> users = parse("\uFEFF# users\n\n  alice : " + ARGON + "  \r\n"
                + "   # indented comment\n\t\nbob:" + BCRYPT + "\n");

        assertEquals(List.of("alice", "bob"), List.copyOf(users.keySet()));
        assertInstanceOf(Argon2idHash.class, users.get("alice"));
        assertTrue(users.get("alice").matches(utf8("alice-pw")));
        assertTrue(users.get("bob").matches(utf8("bob-pw")));
    }

    @Test
    void acceptsAnEmptyFile() {
        assertTrue(parse("").isEmpty());
        assertTrue(parse("# nobody yet\n").isEmpty());
    }

    @Test
    void namesTheFileAndLineOfAMalformedLine() {
        assertError("alice:" + ARGON + "\nbob\n", "line 2: expected username:hash");
        assertError("# c\n\n:" + ARGON + "\n", "line 3: empty username");
        assertError("alice:\n", "line 1: empty hash for user 'alice'");
        assertError("al ice:" + ARGON + "\n", "line 1: username contains whitespace");
        assertError("alice:" + ARGON + "\nbob:" + BCRYPT + "\nalice:" + BCRYPT + "\n",
                "line 3: duplicate user 'alice' (first defined on line 1)");
        assertError("alice:" + ARGON + "\n\ncarol:plain-text-password\n",
                "line 3: user 'carol': unsupported hash format");
        assertError("dave:" + ARGON.replace("t=1", "t=0") + "\n", "line 1: user 'dave': argon2id: t must be");
    }

    @Test
    void neverQuotesAHashOrPasswordInAnError() {
        String broken = ARGON.substring(0, ARGON.length() - 3) + "*==";
        CredentialsFileException e = assertThrows(CredentialsFileException.class,
                () -> parse("alice:" + broken + "\ncarol:plain-text-password\n"));

        String tail = ARGON.substring(ARGON.lastIndexOf('$') + 1, ARGON.lastIndexOf('$') + 10);
        assertFalse(e.getMessage().contains(tail), e.getMessage());
        assertTrue(e.getMessage().contains("line 1"), e.getMessage());

        CredentialsFileException plain = assertThrows(CredentialsFileException.class,
                () -> parse("carol:plain-text-password\n"));
        assertFalse(plain.getMessage().contains("plain-text-password"), plain.getMessage());
    }

    @Test
    void refusesATemplatesPlaceholderWithTheCommandThatMakesARealLine() {
        assertError("# template\ntrader:PLACEHOLDER-make-this-line-with-hash-password\n",
                "line 2: user 'trader' has a PLACEHOLDER instead of a password hash (a template copied as it is): make"
                        + " the line with 'java -jar tick-storm-server.jar hash-password --user trader'");
        assertError("alice:" + ARGON + "\nbob:$argon2id$PLACEHOLDER\n", "line 2: user 'bob' has a PLACEHOLDER");
    }

    @Test
    void rejectsAFileThatIsNotUtf8() {
        CredentialsFileException e = assertThrows(CredentialsFileException.class,
                () -> CredentialsFile.parse("users", new byte[] {'a', ':', (byte) 0xC3, '(', '\n'}));

        assertEquals("credentials file users is not valid UTF-8", e.getMessage());
    }

    private static void assertError(String content, String expected) {
        CredentialsFileException e = assertThrows(CredentialsFileException.class, () -> parse(content));
        assertTrue(e.getMessage().startsWith("credentials file /etc/tick-storm/users, " + expected), e.getMessage());
    }
}

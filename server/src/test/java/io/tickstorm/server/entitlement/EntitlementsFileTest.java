package io.tickstorm.server.entitlement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EntitlementsFileTest {

    private static Map<String, SymbolPatterns> parse(String text) {
        return EntitlementsFile.parse("ents", text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void parsesUsersWithCommaOrSpaceSeparatedPatterns() {
        Map<String, SymbolPatterns> users = parse("""
                \uFEFF# licences
                alice: FX.*, AAPL,MSFT
                  bob :  *

                carol:
                dave: EQ.*  AAPL
                """);
        assertEquals(List.of("alice", "bob", "carol", "dave"), List.copyOf(users.keySet()));
        assertEquals(SymbolPatterns.of(List.of("FX.*", "AAPL", "MSFT")), users.get("alice"));
        assertSame(SymbolPatterns.EVERYTHING, users.get("bob"));
        assertTrue(users.get("carol").isEmpty());
        assertEquals(SymbolPatterns.of(List.of("EQ.*", "AAPL")), users.get("dave"));
    }

    @Test
    void usersWithEqualPatternsShareOneObject() {
        Map<String, SymbolPatterns> users = parse("a: FX.*, AAPL\nb: AAPL FX.*\n");
        assertSame(users.get("a"), users.get("b"));
    }

    @Test
    void problemsNameTheFileAndLine() {
        assertProblem("alice FX.*\n", "line 1: expected username: patterns");
        assertProblem("# x\n: FX.*\n", "line 2: empty username");
        assertProblem("al ice: FX.*\n", "line 1: username contains whitespace");
        assertProblem("alice: FX.*\nbob: *\nalice: AAPL\n", "line 3: duplicate user 'alice' (first defined on line 1)");
        assertProblem("alice: fx.*\n", "line 1: user 'alice': 'fx.*' is neither");
    }

    @Test
    void rejectsInvalidUtf8() {
        EntitlementsFileException e = assertThrows(EntitlementsFileException.class,
                () -> EntitlementsFile.parse("ents", new byte[] {'a', ':', (byte) 0xC3}));
        assertTrue(e.getMessage().contains("not valid UTF-8"), e.getMessage());
    }

    private static void assertProblem(String text, String expected) {
        EntitlementsFileException e = assertThrows(EntitlementsFileException.class, () -> parse(text));
        assertTrue(e.getMessage().startsWith("entitlements file ents, " + expected), e.getMessage());
    }
}

package io.tickstorm.server.entitlement;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Parses an entitlements file: one {@code username: patterns} per line, the patterns separated by commas or
 * whitespace, each an exact symbol or a prefix followed by {@code *} ({@link SymbolPatterns}). An empty pattern list
 * entitles the user to nothing. Blank lines and lines starting with {@code #} are ignored; a user may appear only
 * once. The same user names as the credentials file (non-empty, no whitespace or {@code :}).
 *
 * <pre>
 * # tick-storm entitlements: user: symbols and prefix patterns
 * alice: FX.*, AAPL, MSFT
 * bob:   *
 * carol:
 * </pre>
 */
final class EntitlementsFile {

    private static final Pattern SEPARATORS = Pattern.compile("[,\\s]+");

    private EntitlementsFile() {
    }

    /**
     * Parses {@code content}, read from {@code fileName} (used only in messages). Users with equal pattern sets share
     * one {@link SymbolPatterns} object.
     *
     * @return each user's patterns, in file order
     * @throws EntitlementsFileException naming the file and line of the first problem
     */
    static Map<String, SymbolPatterns> parse(String fileName, byte[] content) {
        String text = decodeUtf8(fileName, content);
        Map<String, SymbolPatterns> users = new LinkedHashMap<>();
        Map<SymbolPatterns, SymbolPatterns> interned = new HashMap<>();
        Map<String, Integer> firstLine = new HashMap<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            int lineNumber = i + 1;
            String line = lines[i].strip();
            if (i == 0 && line.startsWith("\uFEFF")) {
                line = line.substring(1).strip();
            }
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int colon = line.indexOf(':');
            if (colon < 0) {
                throw lineError(fileName, lineNumber, "expected username: patterns");
            }
            String username = line.substring(0, colon).strip();
            if (username.isEmpty()) {
                throw lineError(fileName, lineNumber, "empty username");
            }
            if (username.chars().anyMatch(Character::isWhitespace)) {
                throw lineError(fileName, lineNumber, "username contains whitespace");
            }
            Integer previous = firstLine.putIfAbsent(username, lineNumber);
            if (previous != null) {
                throw lineError(fileName, lineNumber,
                        "duplicate user '" + username + "' (first defined on line " + previous + ")");
            }
            String list = line.substring(colon + 1).strip();
            List<String> patterns = Arrays.stream(SEPARATORS.split(list)).filter(p -> !p.isEmpty()).toList();
            SymbolPatterns compiled;
            try {
                compiled = SymbolPatterns.of(patterns);
            } catch (IllegalArgumentException e) {
                throw lineError(fileName, lineNumber, "user '" + username + "': " + e.getMessage());
            }
            users.put(username, interned.computeIfAbsent(compiled, same -> same));
        }
        return users;
    }

    private static String decodeUtf8(String fileName, byte[] content) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(content))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new EntitlementsFileException("entitlements file " + fileName + " is not valid UTF-8", e);
        }
    }

    private static EntitlementsFileException lineError(String fileName, int lineNumber, String reason) {
        return new EntitlementsFileException("entitlements file " + fileName + ", line " + lineNumber + ": " + reason);
    }
}

package io.tickstorm.server.entitlement;

import io.tickstorm.server.reload.UserLineFile;
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
        UserLineFile file = new UserLineFile("entitlements file " + fileName,
                (message, cause) -> new EntitlementsFileException(message, cause));
        Map<String, SymbolPatterns> users = new LinkedHashMap<>();
        Map<SymbolPatterns, SymbolPatterns> interned = new HashMap<>();
        for (UserLineFile.Line line : file.lines(content, "username: patterns")) {
            List<String> patterns = Arrays.stream(SEPARATORS.split(line.value())).filter(p -> !p.isEmpty()).toList();
            SymbolPatterns compiled;
            try {
                compiled = SymbolPatterns.of(patterns);
            } catch (IllegalArgumentException e) {
                throw file.at(line.number(), "user '" + line.username() + "': " + e.getMessage());
            }
            users.put(line.username(), interned.computeIfAbsent(compiled, same -> same));
        }
        return users;
    }
}

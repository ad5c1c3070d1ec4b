package io.tickstorm.server.auth;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Parses a credentials file: one {@code username:hash} per line, where the hash is an Argon2id PHC string or a
 * bcrypt string. Blank lines and lines starting with {@code #} are ignored, as is whitespace around either field.
 * A username is non-empty and holds no whitespace or {@code :}; a username may appear only once. A hash field
 * containing {@value #PLACEHOLDER_MARKER} (the templates' marker, e.g. {@code k8s/secrets/users.example}) is refused
 * with its own message, so a template deployed as it is stops the server instead of admitting a made-up user, and
 * a reload to it keeps the previous users.
 *
 * <pre>
 * # tick-storm users (generate a hash with: java -jar tick-storm-server.jar hash-password --user alice)
 * alice:$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$...
 * bob:$2b$12$...
 * </pre>
 */
final class CredentialsFile {

    /** Marks the hash field of a template line; a real Argon2id or bcrypt hash never holds this word. */
    static final String PLACEHOLDER_MARKER = "PLACEHOLDER";

    private CredentialsFile() {
    }

    /**
     * Parses {@code content}, read from {@code fileName} (used only in messages).
     *
     * @return the users in file order, unmodifiable
     * @throws CredentialsFileException naming the file and line of the first problem
     */
    static Map<String, PasswordHash> parse(String fileName, byte[] content) {
        String text = decodeUtf8(fileName, content);
        Map<String, PasswordHash> users = new LinkedHashMap<>();
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
                throw lineError(fileName, lineNumber, "expected username:hash");
            }
            String username = line.substring(0, colon).strip();
            String encoded = line.substring(colon + 1).strip();
            if (username.isEmpty()) {
                throw lineError(fileName, lineNumber, "empty username");
            }
            if (username.chars().anyMatch(Character::isWhitespace)) {
                throw lineError(fileName, lineNumber, "username contains whitespace");
            }
            if (encoded.isEmpty()) {
                throw lineError(fileName, lineNumber, "empty hash for user '" + username + "'");
            }
            if (encoded.contains(PLACEHOLDER_MARKER)) {
                throw lineError(fileName, lineNumber, "user '" + username + "' has a " + PLACEHOLDER_MARKER
                        + " instead of a password hash (a template copied as it is): make the line with"
                        + " 'java -jar tick-storm-server.jar hash-password --user " + username + "'");
            }
            Integer previous = firstLine.putIfAbsent(username, lineNumber);
            if (previous != null) {
                throw lineError(fileName, lineNumber,
                        "duplicate user '" + username + "' (first defined on line " + previous + ")");
            }
            try {
                users.put(username, PasswordHash.parse(encoded));
            } catch (IllegalArgumentException e) {
                // PasswordHash messages never quote the hash, so this one is safe to log.
                throw lineError(fileName, lineNumber, "user '" + username + "': " + e.getMessage());
            }
        }
        return Collections.unmodifiableMap(users);
    }

    private static String decodeUtf8(String fileName, byte[] content) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(content))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new CredentialsFileException("credentials file " + fileName + " is not valid UTF-8", e);
        }
    }

    private static CredentialsFileException lineError(String fileName, int lineNumber, String reason) {
        return new CredentialsFileException("credentials file " + fileName + ", line " + lineNumber + ": " + reason);
    }
}

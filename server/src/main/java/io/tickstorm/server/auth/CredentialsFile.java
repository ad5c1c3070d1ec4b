package io.tickstorm.server.auth;

import io.tickstorm.server.reload.UserLineFile;
import java.util.Collections;
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
        UserLineFile file = new UserLineFile("credentials file " + fileName,
                (message, cause) -> new CredentialsFileException(message, cause));
        Map<String, PasswordHash> users = new LinkedHashMap<>();
        for (UserLineFile.Line line : file.lines(content, "username:hash")) {
            String username = line.username();
            String encoded = line.value();
            if (encoded.isEmpty()) {
                throw file.at(line.number(), "empty hash for user '" + username + "'");
            }
            if (encoded.contains(PLACEHOLDER_MARKER)) {
                throw file.at(line.number(), "user '" + username + "' has a " + PLACEHOLDER_MARKER
                        + " instead of a password hash (a template copied as it is): make the line with"
                        + " 'java -jar tick-storm-server.jar hash-password --user " + username + "'");
            }
            try {
                users.put(username, PasswordHash.parse(encoded));
            } catch (IllegalArgumentException e) {
                // PasswordHash messages never quote the hash, so this one is safe to log.
                throw file.at(line.number(), "user '" + username + "': " + e.getMessage());
            }
        }
        return Collections.unmodifiableMap(users);
    }
}

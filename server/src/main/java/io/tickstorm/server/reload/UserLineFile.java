package io.tickstorm.server.reload;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * The line format the credentials and entitlements files share: {@code username: value} per line, UTF-8 (a leading
 * byte-order mark is skipped), whitespace around either field ignored, blank lines and lines starting with {@code #}
 * skipped. A username is non-empty, holds no whitespace or {@code :}, and appears only once. What the value means is
 * the caller's; so is the exception a problem is reported with, whose message names the file and the line.
 */
public final class UserLineFile {

    /** One {@code username: value} line. */
    public record Line(int number, String username, String value) {
    }

    private final String description;
    private final BiFunction<String, Throwable, RuntimeException> errors;

    /**
     * @param description the file as messages name it, e.g. {@code "credentials file /etc/users"}
     * @param errors      makes the caller's exception from a message and a cause (null for a bad line)
     */
    public UserLineFile(String description, BiFunction<String, Throwable, RuntimeException> errors) {
        this.description = description;
        this.errors = errors;
    }

    /**
     * The file's user lines in file order.
     *
     * @param expected the form a line without a colon is told to have, e.g. {@code "username:hash"}
     */
    public List<Line> lines(byte[] content, String expected) {
        String[] lines = decodeUtf8(content).split("\n", -1);
        List<Line> users = new ArrayList<>();
        Map<String, Integer> firstLine = new HashMap<>();
        for (int i = 0; i < lines.length; i++) {
            int number = i + 1;
            String line = lines[i].strip();
            if (i == 0 && line.startsWith("\uFEFF")) {
                line = line.substring(1).strip();
            }
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int colon = line.indexOf(':');
            if (colon < 0) {
                throw at(number, "expected " + expected);
            }
            String username = line.substring(0, colon).strip();
            if (username.isEmpty()) {
                throw at(number, "empty username");
            }
            if (username.chars().anyMatch(Character::isWhitespace)) {
                throw at(number, "username contains whitespace");
            }
            Integer previous = firstLine.putIfAbsent(username, number);
            if (previous != null) {
                throw at(number, "duplicate user '" + username + "' (first defined on line " + previous + ")");
            }
            users.add(new Line(number, username, line.substring(colon + 1).strip()));
        }
        return users;
    }

    /** The caller's exception for a problem on line {@code number}. */
    public RuntimeException at(int number, String reason) {
        return errors.apply(description + ", line " + number + ": " + reason, null);
    }

    private String decodeUtf8(byte[] content) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(content))
                    .toString();
        } catch (CharacterCodingException e) {
            throw errors.apply(description + " is not valid UTF-8", e);
        }
    }
}

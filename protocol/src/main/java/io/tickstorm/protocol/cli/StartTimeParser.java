package io.tickstorm.protocol.cli;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads {@code --start-time}: epoch milliseconds ({@code 1796637600000}), an ISO-8601 instant with {@code Z} or an
 * offset ({@code 2026-12-07T10:00:00Z}, {@code 2026-12-07T11:00:00+01:00}), or a time relative to now ({@code -30s},
 * {@code -5m}, {@code -2h}, {@code -1500ms}).
 */
final class StartTimeParser {

    private static final Pattern RELATIVE = Pattern.compile("-(\\d{1,12})(ms|s|m|h)");
    private static final Pattern EPOCH_MILLIS = Pattern.compile("\\d{1,19}");

    private StartTimeParser() {
    }

    /** Epoch milliseconds of {@code value}, relative times counted back from {@code now}. */
    static long parse(String value, Instant now) throws CliUsageException {
        String text = value.trim();
        Matcher relative = RELATIVE.matcher(text);
        if (relative.matches()) {
            long amount = Long.parseLong(relative.group(1));
            Duration back = switch (relative.group(2)) {
                case "ms" -> Duration.ofMillis(amount);
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                default -> Duration.ofHours(amount);
            };
            return positive(value, now.minus(back).toEpochMilli());
        }
        if (EPOCH_MILLIS.matcher(text).matches()) {
            try {
                return positive(value, Long.parseLong(text));
            } catch (NumberFormatException e) {
                throw new CliUsageException("--start-time: too large: " + value);
            }
        }
        try {
            return positive(value, OffsetDateTime.parse(text).toInstant().toEpochMilli());
        } catch (DateTimeParseException | ArithmeticException e) {
            throw new CliUsageException("--start-time: expected epoch milliseconds, an ISO-8601 time with Z or an"
                    + " offset (2026-12-07T10:00:00Z) or a relative time (-30s, -5m, -2h), not " + value);
        }
    }

    private static long positive(String value, long epochMillis) throws CliUsageException {
        if (epochMillis <= 0) {
            throw new CliUsageException("--start-time: " + value + " is not after 1970-01-01T00:00:00Z");
        }
        return epochMillis;
    }
}

package io.tickstorm.server.entitlement;

import com.typesafe.config.Config;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@code tick-storm.entitlements} block (see {@code reference.conf}). Immutable and validated on construction.
 *
 * @param file           {@code entitlements.file}: {@code username: patterns} lines ({@link EntitlementsFile}); empty
 *                       when not configured
 * @param fallback       {@code entitlements.default}: what a user without an entry may subscribe to
 * @param reloadInterval {@code entitlements.reload-interval}: how often the file is checked for changes
 */
public record EntitlementsConfig(Optional<Path> file, Default fallback, Duration reloadInterval) {

    public static final String FILE_KEY = "tick-storm.entitlements.file";
    public static final String DEFAULT_KEY = "tick-storm.entitlements.default";
    public static final String RELOAD_INTERVAL_KEY = "tick-storm.entitlements.reload-interval";

    /** What a user without an entry in the file gets. */
    public enum Default {
        /** Every symbol: the behaviour without entitlements. */
        ALL,
        /** No symbol: every SUBSCRIBE is INVALID_SUBSCRIPTION. */
        NONE;

        SymbolPatterns patterns() {
            return this == ALL ? SymbolPatterns.EVERYTHING : SymbolPatterns.NOTHING;
        }

        static Default parse(String value) {
            String wanted = value.strip().toLowerCase(Locale.ROOT);
            return switch (wanted) {
                case "all" -> ALL;
                case "none" -> NONE;
                default -> throw new IllegalArgumentException(DEFAULT_KEY + " (ENTITLEMENTS_DEFAULT) must be all or "
                        + "none, was '" + value + "'");
            };
        }
    }

    public EntitlementsConfig {
        Objects.requireNonNull(file, FILE_KEY);
        Objects.requireNonNull(fallback, DEFAULT_KEY);
        Objects.requireNonNull(reloadInterval, RELOAD_INTERVAL_KEY);
        if (reloadInterval.isNegative() || reloadInterval.isZero()) {
            throw new IllegalArgumentException(RELOAD_INTERVAL_KEY + " (ENTITLEMENTS_RELOAD_INTERVAL) must be "
                    + "positive, was " + reloadInterval);
        }
    }

    /** Reads and validates {@code tick-storm.entitlements} from the resolved root config. */
    public static EntitlementsConfig from(Config root) {
        String path = root.getString(FILE_KEY).strip();
        return new EntitlementsConfig(path.isEmpty() ? Optional.empty() : Optional.of(Path.of(path)),
                Default.parse(root.getString(DEFAULT_KEY)), root.getDuration(RELOAD_INTERVAL_KEY));
    }

    /** Without a file and with the default {@code all}, nobody is restricted: today's behaviour. */
    public boolean restricts() {
        return file.isPresent() || fallback == Default.NONE;
    }
}

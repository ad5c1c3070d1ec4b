package io.tickstorm.server.feed;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigValueType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * The feed's configuration, read from {@code tick-storm.feed}. Every tick and bar is a pure function of
 * ({@code seed}, {@code symbols}, {@code ticksPerSecond}, time), so replicas with equal values agree.
 *
 * <p>History memory is about {@code (secondRetention / 1s + minuteRetention / 1m) * symbols * 48} bytes (10 MB with
 * the defaults). Startup backfill generates {@code ticksPerSecond * (min(backfill, max retention) + 1 minute)} ticks
 * at a few nanoseconds each (volumes only), so very high rates should use a small backfill.
 *
 * @param seed seed of every random choice of the market ({@code tick-storm.feed.seed})
 * @param symbols the symbol universe in index order; an empty list means {@link SymbolUniverse#DEFAULT_SYMBOLS}
 * @param ticksPerSecond ticks per second across all symbols ({@code tick-storm.feed.rate})
 * @param secondRetention how long closed SECOND bars are kept ({@code tick-storm.feed.second-retention})
 * @param minuteRetention how long closed MINUTE bars are kept ({@code tick-storm.feed.minute-retention})
 * @param backfill how much past time is recomputed into history at startup ({@code tick-storm.feed.backfill})
 */
public record FeedConfig(
        long seed,
        List<String> symbols,
        long ticksPerSecond,
        Duration secondRetention,
        Duration minuteRetention,
        Duration backfill) {

    /** The configuration block this record is read from. */
    public static final String PATH = "tick-storm.feed";
    /** Symbols must match this (PROTOCOL.md §5.2). */
    public static final Pattern SYMBOL_PATTERN = Pattern.compile("^[A-Z0-9._-]{1,16}$");
    /** Largest accepted rate; the tick clock's integer arithmetic is exact well beyond it. */
    public static final long MAX_TICKS_PER_SECOND = 10_000_000L;
    /** Largest accepted universe. */
    public static final int MAX_SYMBOLS = 10_000;
    /** Longest accepted SECOND retention. */
    public static final Duration MAX_SECOND_RETENTION = Duration.ofHours(24);
    /** Longest accepted MINUTE retention. */
    public static final Duration MAX_MINUTE_RETENTION = Duration.ofDays(31);

    public FeedConfig {
        if (symbols == null || symbols.isEmpty()) {
            symbols = SymbolUniverse.DEFAULT_SYMBOLS;
        }
        symbols = List.copyOf(symbols);
        if (symbols.size() > MAX_SYMBOLS) {
            throw new IllegalArgumentException(
                    PATH + ".symbols: at most " + MAX_SYMBOLS + " symbols, got " + symbols.size());
        }
        Set<String> seen = new HashSet<>();
        for (String symbol : symbols) {
            if (!SYMBOL_PATTERN.matcher(symbol).matches()) {
                throw new IllegalArgumentException(
                        PATH + ".symbols: '" + symbol + "' does not match " + SYMBOL_PATTERN.pattern());
            }
            if (!seen.add(symbol)) {
                throw new IllegalArgumentException(PATH + ".symbols: duplicate symbol '" + symbol + "'");
            }
        }
        if (ticksPerSecond < 1 || ticksPerSecond > MAX_TICKS_PER_SECOND) {
            throw new IllegalArgumentException(
                    PATH + ".rate: must be in [1, " + MAX_TICKS_PER_SECOND + "], got " + ticksPerSecond);
        }
        requireWithin("second-retention", secondRetention, Duration.ofSeconds(1), MAX_SECOND_RETENTION);
        requireWithin("minute-retention", minuteRetention, Duration.ofMinutes(1), MAX_MINUTE_RETENTION);
        if (backfill == null || backfill.isNegative()) {
            throw new IllegalArgumentException(PATH + ".backfill: must be >= 0, got " + backfill);
        }
    }

    /** Reads {@code tick-storm.feed} from the root configuration. */
    public static FeedConfig from(Config root) {
        Config feed = root.getConfig(PATH);
        return new FeedConfig(
                read("seed", () -> feed.getLong("seed")),
                read("symbols", () -> symbols(feed)),
                read("rate", () -> feed.getLong("rate")),
                read("second-retention", () -> feed.getDuration("second-retention")),
                read("minute-retention", () -> feed.getDuration("minute-retention")),
                read("backfill", () -> feed.getDuration("backfill")));
    }

    /** Capacity of the SECOND history ring: whole seconds of retention. */
    public int secondBars() {
        return (int) (secondRetention.toMillis() / BarMode.SECOND.intervalMs());
    }

    /** Capacity of the MINUTE history ring: whole minutes of retention. */
    public int minuteBars() {
        return (int) (minuteRetention.toMillis() / BarMode.MINUTE.intervalMs());
    }

    /** The ring capacity of {@code mode}. */
    public int retainedBars(BarMode mode) {
        return mode == BarMode.SECOND ? secondBars() : minuteBars();
    }

    /** How many closed bars of {@code mode} startup recomputes: the backfill, capped by the retention. */
    public int backfillBars(BarMode mode) {
        long bars = Math.min(backfill.toMillis(), Long.MAX_VALUE / 2) / mode.intervalMs();
        return (int) Math.min(bars, retainedBars(mode));
    }

    private static List<String> symbols(Config feed) {
        List<String> symbols = new ArrayList<>();
        if (feed.getValue("symbols").valueType() == ConfigValueType.LIST) {
            for (String symbol : feed.getStringList("symbols")) {
                symbols.add(symbol.trim());
            }
            return symbols;
        }
        for (String symbol : feed.getString("symbols").split(",")) {
            String trimmed = symbol.trim();
            if (!trimmed.isEmpty()) {
                symbols.add(trimmed);
            }
        }
        return symbols;
    }

    private static void requireWithin(String key, Duration value, Duration min, Duration max) {
        if (value == null || value.compareTo(min) < 0 || value.compareTo(max) > 0) {
            throw new IllegalArgumentException(PATH + "." + key + ": must be in [" + min + ", " + max + "], got "
                    + value);
        }
    }

    /** Turns a typesafe-config failure into the project's IllegalArgumentException naming the key. */
    private static <T> T read(String key, Supplier<T> reader) {
        try {
            return reader.get();
        } catch (ConfigException e) {
            throw new IllegalArgumentException(PATH + "." + key + ": " + e.getMessage(), e);
        }
    }
}

package io.tickstorm.server.feed;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigValueType;
import io.tickstorm.server.feed.KafkaFeedConfig;
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
 * @param backfill how much past time is recomputed into history at startup ({@code tick-storm.feed.backfill}), by
 *     a source that can (the synthetic market computes it, the Kafka source reads it from the log)
 * @param source where ticks come from ({@code tick-storm.feed.source})
 * @param file the recorded ticks of the file source, "-" for standard input ({@code tick-storm.feed.file.path})
 * @param fileSpeed replay speed of the file source: 1 = as recorded, 10 = ten times faster, 0 = as fast as the
 *     server takes them ({@code tick-storm.feed.file.speed})
 * @param fileLoop whether the file source starts again at the end ({@code tick-storm.feed.file.loop})
 * @param lateness how long after an interval's end a tick of it still counts in its bar
 *     ({@code tick-storm.feed.lateness}; external sources only, PROTOCOL.md §6)
 * @param maxSymbols the most symbols a universe learned from the data holds; 0 = as many as fit in one batch
 *     ({@code tick-storm.feed.max-symbols})
 * @param kafka the Kafka source's settings ({@code tick-storm.feed.kafka})
 */
public record FeedConfig(
        long seed,
        List<String> symbols,
        long ticksPerSecond,
        Duration secondRetention,
        Duration minuteRetention,
        Duration backfill,
        Source source,
        String file,
        double fileSpeed,
        boolean fileLoop,
        Duration lateness,
        int maxSymbols,
        KafkaFeedConfig kafka) {

    /** Where ticks come from. */
    public enum Source {
        /** The built-in deterministic synthetic market (the embedded default). */
        SYNTHETIC,
        /** A file of recorded ticks (NDJSON or CSV, optionally gzipped) or standard input, replayed as live. */
        FILE,
        /** A Kafka topic of ticks, every partition read by every replica (PROTOCOL.md §6). */
        KAFKA;

        /** The configuration value naming this source. */
        public String configValue() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

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
    /** Lateness unless configured (PROTOCOL.md §6). */
    public static final Duration DEFAULT_LATENESS = Duration.ofMillis(200);
    /** Longest accepted lateness: a tick may still count in a bar that long after its interval ended. */
    public static final Duration MAX_LATENESS = Duration.ofMinutes(1);
    /** Fastest accepted replay speed (0 = unpaced is always accepted). */
    public static final double MAX_FILE_SPEED = 1_000_000;
    /** Longest accepted MINUTE retention. */
    public static final Duration MAX_MINUTE_RETENTION = Duration.ofDays(31);

    /** The synthetic market's configuration (no file, default lateness, derived symbol cap). */
    public FeedConfig(long seed, List<String> symbols, long ticksPerSecond, Duration secondRetention,
                      Duration minuteRetention, Duration backfill) {
        this(seed, symbols, ticksPerSecond, secondRetention, minuteRetention, backfill, Source.SYNTHETIC, "", 1,
                false, DEFAULT_LATENESS, 0);
    }

    /** A configuration with the Kafka source's defaults ({@link KafkaFeedConfig#DEFAULT}). */
    public FeedConfig(long seed, List<String> symbols, long ticksPerSecond, Duration secondRetention,
                      Duration minuteRetention, Duration backfill, Source source, String file, double fileSpeed,
                      boolean fileLoop, Duration lateness, int maxSymbols) {
        this(seed, symbols, ticksPerSecond, secondRetention, minuteRetention, backfill, source, file, fileSpeed,
                fileLoop, lateness, maxSymbols, KafkaFeedConfig.DEFAULT);
    }

    public FeedConfig {
        symbols = symbols == null ? List.of() : List.copyOf(symbols);
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
        if (source == null) {
            throw new IllegalArgumentException(PATH + ".source (FEED_SOURCE): must be synthetic, file or kafka");
        }
        file = file == null ? "" : file.trim();
        if (source == Source.FILE) {
            requireReadableTickFile(file);
        }
        if (!(fileSpeed >= 0 && fileSpeed <= MAX_FILE_SPEED)) {
            throw new IllegalArgumentException(PATH + ".file.speed (FEED_FILE_SPEED): must be in [0, " + MAX_FILE_SPEED
                    + "] (0 = as fast as the server takes them), got " + fileSpeed);
        }
        requireWithin("lateness", lateness, Duration.ZERO, MAX_LATENESS);
        if (kafka == null) {
            kafka = KafkaFeedConfig.DEFAULT;
        }
        if (source == Source.KAFKA) {
            kafka.requireUsable();
        }
        if (maxSymbols < 0 || maxSymbols > MAX_SYMBOLS) {
            throw new IllegalArgumentException(PATH + ".max-symbols (FEED_MAX_SYMBOLS): must be in [0, " + MAX_SYMBOLS
                    + "] (0 = as many as fit in one batch), got " + maxSymbols);
        }
    }

    /** The accepted tick file names: a format extension, optionally gzipped. */
    public static final Pattern TICK_FILE_NAME = Pattern.compile(".*\\.(ndjson|jsonl|csv)(\\.gz)?$");

    private static void requireReadableTickFile(String file) {
        if (file.isEmpty()) {
            throw new IllegalArgumentException(PATH + ".file.path (FEED_FILE): FEED_SOURCE=file needs FEED_FILE, a "
                    + ".ndjson, .jsonl or .csv file (optionally .gz), or - for NDJSON on standard input");
        }
        if (file.equals("-")) {
            return;
        }
        if (!TICK_FILE_NAME.matcher(file.toLowerCase(java.util.Locale.ROOT)).matches()) {
            throw new IllegalArgumentException("FEED_FILE=" + file + ": the name must end in .ndjson, .jsonl or .csv, "
                    + "optionally followed by .gz");
        }
        java.nio.file.Path path = java.nio.file.Path.of(file);
        if (!java.nio.file.Files.exists(path)) {
            throw new IllegalArgumentException("FEED_FILE=" + file + ": no such file");
        }
        if (!java.nio.file.Files.isRegularFile(path) || !java.nio.file.Files.isReadable(path)) {
            throw new IllegalArgumentException("FEED_FILE=" + file + ": not a readable file");
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
                read("backfill", () -> feed.getDuration("backfill")),
                read("source", () -> source(feed.getString("source"))),
                read("file.path", () -> feed.getString("file.path")),
                read("file.speed", () -> feed.getDouble("file.speed")),
                read("file.loop", () -> feed.getBoolean("file.loop")),
                read("lateness", () -> feed.getDuration("lateness")),
                read("max-symbols", () -> feed.getInt("max-symbols")),
                read("kafka", () -> KafkaFeedConfig.from(feed.getConfig("kafka"))));
    }

    private static Source source(String value) {
        for (Source source : Source.values()) {
            if (source.configValue().equals(value.trim().toLowerCase(java.util.Locale.ROOT))) {
                return source;
            }
        }
        throw new IllegalArgumentException("FEED_SOURCE=" + value + ": must be synthetic, file or kafka");
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

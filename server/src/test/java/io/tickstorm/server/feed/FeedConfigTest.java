package io.tickstorm.server.feed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class FeedConfigTest {

    private static Config withFeed(String feedBlock) {
        return ConfigFactory.parseString("tick-storm.feed { " + feedBlock + " }")
                .withFallback(ConfigFactory.defaultReference())
                .resolve();
    }

    private static FeedConfig config(List<String> symbols, long rate) {
        return new FeedConfig(1, symbols, rate, Duration.ofMinutes(10), Duration.ofHours(24), Duration.ofMinutes(10));
    }

    @Test
    void readsReferenceDefaultsWithTheBuiltInUniverse() {
        FeedConfig config = FeedConfig.from(withFeed(""));
        assertEquals(20261201L, config.seed());
        assertEquals(1000L, config.ticksPerSecond());
        assertEquals(List.of(), config.symbols(), "empty: the source's own (the synthetic market's built-in list)");
        assertEquals(FeedConfig.Source.SYNTHETIC, config.source());
        assertEquals(Duration.ofMillis(200), config.lateness());
        assertEquals(1.0, config.fileSpeed());
        assertEquals(Duration.ofMinutes(10), config.secondRetention());
        assertEquals(Duration.ofHours(24), config.minuteRetention());
        assertEquals(Duration.ofMinutes(10), config.backfill());
        assertEquals(600, config.secondBars());
        assertEquals(1440, config.minuteBars());
    }

    @Test
    void parsesCommaSeparatedSymbolsAsTheEnvironmentGivesThem() {
        FeedConfig config = FeedConfig.from(withFeed("symbols = \" AAPL, MSFT ,BTC-USD,,\""));
        assertEquals(List.of("AAPL", "MSFT", "BTC-USD"), config.symbols());
    }

    @Test
    void acceptsAHoconListOfSymbols() {
        FeedConfig config = FeedConfig.from(withFeed("symbols = [SPY, QQQ]"));
        assertEquals(List.of("SPY", "QQQ"), config.symbols());
    }

    @Test
    void acceptsBareMillisecondsForDurations() {
        FeedConfig config = FeedConfig.from(withFeed("backfill = \"5000\", second-retention = 60000"));
        assertEquals(Duration.ofSeconds(5), config.backfill());
        assertEquals(Duration.ofMinutes(1), config.secondRetention());
    }

    @Test
    void rejectsASymbolThatDoesNotMatchTheProtocolPattern() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FeedConfig.from(withFeed("symbols = \"AAPL,msft\"")));
        assertTrue(e.getMessage().contains("tick-storm.feed.symbols"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> config(List.of("ABCDEFGHIJKLMNOPQ"), 1000));
    }

    @Test
    void rejectsDuplicateSymbols() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> config(List.of("AAPL", "AAPL"), 1000));
        assertTrue(e.getMessage().contains("tick-storm.feed.symbols"), e.getMessage());
    }

    @Test
    void rejectsANonPositiveRateNamingTheKey() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FeedConfig.from(withFeed("rate = 0")));
        assertTrue(e.getMessage().contains("tick-storm.feed.rate"), e.getMessage());
    }

    @Test
    void rejectsAnUnparseableRateNamingTheKey() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FeedConfig.from(withFeed("rate = fast")));
        assertTrue(e.getMessage().contains("tick-storm.feed.rate"), e.getMessage());
    }

    @Test
    void acceptsRatesOfMillionsOfTicksPerSecond() {
        assertEquals(2_000_000L, config(List.of(), 2_000_000).ticksPerSecond());
        assertEquals(FeedConfig.MAX_TICKS_PER_SECOND, config(List.of(), FeedConfig.MAX_TICKS_PER_SECOND)
                .ticksPerSecond());
    }

    @Test
    void rejectsRetentionsShorterThanOneIntervalAndNegativeBackfill() {
        IllegalArgumentException second = assertThrows(IllegalArgumentException.class,
                () -> new FeedConfig(1, List.of(), 1000, Duration.ofMillis(500), Duration.ofHours(1), Duration.ZERO));
        assertTrue(second.getMessage().contains("tick-storm.feed.second-retention"), second.getMessage());
        IllegalArgumentException minute = assertThrows(IllegalArgumentException.class,
                () -> new FeedConfig(1, List.of(), 1000, Duration.ofMinutes(1), Duration.ofSeconds(59), Duration.ZERO));
        assertTrue(minute.getMessage().contains("tick-storm.feed.minute-retention"), minute.getMessage());
        IllegalArgumentException backfill = assertThrows(IllegalArgumentException.class,
                () -> new FeedConfig(1, List.of(), 1000, Duration.ofMinutes(1), Duration.ofHours(1),
                        Duration.ofSeconds(-1)));
        assertTrue(backfill.getMessage().contains("tick-storm.feed.backfill"), backfill.getMessage());
    }

    @Test
    void capsBackfillBarsByEachRetention() {
        FeedConfig config = new FeedConfig(1, List.of(), 1000, Duration.ofMinutes(2), Duration.ofHours(1),
                Duration.ofMinutes(5));
        assertEquals(120, config.backfillBars(BarMode.SECOND));
        assertEquals(5, config.backfillBars(BarMode.MINUTE));
    }
}

package io.tickstorm.bench.jmh;

import io.tickstorm.server.feed.BarHistory;
import io.tickstorm.server.feed.BarSet;
import io.tickstorm.server.feed.FeedConfig;
import io.tickstorm.server.feed.FeedListener;
import io.tickstorm.server.feed.LatestTicks;
import io.tickstorm.server.feed.MarketView;
import io.tickstorm.server.feed.SymbolUniverse;
import io.tickstorm.server.feed.TickBlock;
import io.tickstorm.server.feed.TickFeed;
import io.tickstorm.server.feed.synthetic.SyntheticMarket;
import io.tickstorm.server.feed.synthetic.SyntheticSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Bar closing in the feed for a universe of {@code symbols} symbols: each operation moves a fake clock one second
 * forward and pumps the {@link TickFeed}, whose synthetic source writes that second's ticks
 * ({@code ticksPerSecond}) into the market state, which closes the SECOND bar set of every symbol (and at every
 * 60th operation also the MINUTE set), appends it to the history and calls the listener. With one tick per symbol per second the tick generation is a small share; compare
 * {@code ticksPerSecond=1} (bar closing alone, nearly) with the default.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class BarCloseBenchmark {

    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    @Param({"1000"})
    public int symbols;

    @Param({"1", "1000"})
    public long ticksPerSecond;

    private TickFeed feed;
    private long nowNanos;

    /** Hands what the feed produces to the blackhole. */
    static final class SinkListener implements FeedListener {
        private final Blackhole blackhole;

        SinkListener(Blackhole blackhole) {
            this.blackhole = blackhole;
        }

        @Override
        public void onTicks(TickBlock block) {
            blackhole.consume(block.count());
        }

        @Override
        public void onBars(BarSet bars) {
            blackhole.consume(bars.sequence());
        }
    }

    @Setup(Level.Trial)
    public void setUp(Blackhole blackhole) {
        List<String> names = new ArrayList<>(symbols);
        for (int i = 0; i < symbols; i++) {
            names.add(String.format("S%04d", i));
        }
        FeedConfig config = new FeedConfig(20261201L, names, ticksPerSecond, Duration.ofMinutes(1),
                Duration.ofHours(1), Duration.ZERO);
        nowNanos = 1_764_576_000L * NANOS_PER_SECOND + 500_000_000L;
        SymbolUniverse universe = SymbolUniverse.of(names);
        MarketView view = new MarketView(universe, BarHistory.startingAt(nowNanos / 1_000_000L, config, true),
                new LatestTicks(universe.capacity()), () -> { });
        feed = new TickFeed(new SyntheticSource(new SyntheticMarket(config, universe)), view,
                new SinkListener(blackhole), () -> nowNanos);
        feed.rebuildHistory();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        feed.close();
    }

    @Benchmark
    public long closeOneSecond() {
        nowNanos += NANOS_PER_SECOND;
        feed.pump(nowNanos);
        return feed.positionNanos();
    }
}

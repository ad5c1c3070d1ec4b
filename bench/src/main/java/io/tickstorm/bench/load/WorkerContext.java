package io.tickstorm.bench.load;

import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * What every connection of one worker shares: the options, the clock, and one {@link LoadStats} per (event loop,
 * role) and one {@link DataBatchScanner} per loop, created up front so that the maps are only read afterwards.
 */
final class WorkerContext {

    private final LoadOptions options;
    private final WallClock clock = new WallClock();
    private final Map<EventExecutor, LoadStats[]> stats = new IdentityHashMap<>();
    private final Map<EventExecutor, DataBatchScanner> scanners = new IdentityHashMap<>();

    WorkerContext(LoadOptions options, EventLoopGroup group) {
        this.options = options;
        for (EventExecutor loop : group) {
            stats.put(loop, new LoadStats[] {new LoadStats(options.reconnectRounds()),
                    new LoadStats(options.reconnectRounds())});
            scanners.put(loop, new DataBatchScanner());
        }
    }

    LoadOptions options() {
        return options;
    }

    WallClock clock() {
        return clock;
    }

    /** The stats of {@code loop} for healthy or slow connections; record only on that loop. */
    LoadStats stats(EventExecutor loop, boolean slow) {
        return stats.get(loop)[slow ? 1 : 0];
    }

    DataBatchScanner scanner(EventExecutor loop) {
        return scanners.get(loop);
    }

    /** Every loop's stats for one role, summed; call once the loops have terminated. */
    LoadStats total(boolean slow) {
        LoadStats sum = new LoadStats(options.reconnectRounds());
        for (LoadStats[] perLoop : stats.values()) {
            sum.add(perLoop[slow ? 1 : 0]);
        }
        return sum;
    }

    /** Opens or closes the measurement window on every loop (run as a task on each, so no field is shared). */
    void recording(EventLoopGroup group, boolean on) throws InterruptedException {
        for (EventExecutor loop : group) {
            LoadStats[] perLoop = stats.get(loop);
            loop.submit(() -> {
                perLoop[0].recording = on;
                perLoop[1].recording = on;
            }).sync();
        }
    }
}

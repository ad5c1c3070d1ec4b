package io.tickstorm.server.feed;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The closed bar sets kept for snapshots and replay: one ring per {@link BarMode}, holding the last
 * {@code capacity} consecutive boundaries. Every boundary is appended in order (the feed never skips one), so the
 * ring's contents are always a gap-free run of intervals ending at {@link #latest(BarMode)}.
 *
 * <p>Single writer, many readers: only the feed thread calls {@link #append(BarSet)}; any thread may read. A
 * writer stores a set in its slot and then publishes the new count (a volatile write); readers take the count
 * (a volatile read), copy the slots and check each set's boundary against the one its index implies, retrying if
 * the writer lapped them, so every read returns exactly the ring's content at one instant. No locks.
 */
public final class BarHistory {

    private final Ring seconds;
    private final Ring minutes;

    /**
     * An empty history keeping {@code secondCapacity} SECOND and {@code minuteCapacity} MINUTE sets, whose first
     * appended sets will be those closing at {@code firstSecondBoundaryMs} and {@code firstMinuteBoundaryMs}.
     */
    public BarHistory(int secondCapacity, int minuteCapacity, long firstSecondBoundaryMs,
                      long firstMinuteBoundaryMs) {
        seconds = new Ring(BarMode.SECOND, secondCapacity, firstSecondBoundaryMs);
        minutes = new Ring(BarMode.MINUTE, minuteCapacity, firstMinuteBoundaryMs);
    }

    /**
     * The history a server starting at {@code nowMs} keeps: retentions from {@code config}, and first sets closing
     * so that {@code backfill} of past bars (capped by each retention) can be rebuilt; with no backfill the first
     * sets are those closing the current intervals.
     */
    public static BarHistory startingAt(long nowMs, FeedConfig config, boolean backfill) {
        int secondBackfill = backfill ? config.backfillBars(BarMode.SECOND) : 0;
        int minuteBackfill = backfill ? config.backfillBars(BarMode.MINUTE) : 0;
        long firstSecond = BarMode.SECOND.floorMs(nowMs) - (secondBackfill - 1L) * BarMode.SECOND.intervalMs();
        long firstMinute = BarMode.MINUTE.floorMs(nowMs) - (minuteBackfill - 1L) * BarMode.MINUTE.intervalMs();
        return new BarHistory(config.secondBars(), config.minuteBars(), firstSecond, firstMinute);
    }

    /** Where the earliest interval the history will keep begins, epoch ms: rebuilding must start there or earlier. */
    public long earliestIntervalStartMs() {
        return Math.min(seconds.firstBoundaryMs - BarMode.SECOND.intervalMs(),
                minutes.firstBoundaryMs - BarMode.MINUTE.intervalMs());
    }

    /**
     * Appends the set closing the next boundary of its mode. Feed thread only.
     *
     * @throws IllegalArgumentException if its boundary is not {@link #nextBoundaryMs(BarMode)}
     */
    public void append(BarSet bars) {
        ring(bars.mode()).append(bars);
    }

    /** The most recent set of {@code mode}, or null when none was closed yet. */
    public BarSet latest(BarMode mode) {
        List<BarSet> last = ring(mode).read(Long.MIN_VALUE, 1);
        return last.isEmpty() ? null : last.get(0);
    }

    /** The retained sets of {@code mode} with boundary at or after {@code startTimeMs}, oldest first. */
    public List<BarSet> since(BarMode mode, long startTimeMs) {
        return ring(mode).read(startTimeMs, Integer.MAX_VALUE);
    }

    /**
     * The replay for a subscription with a non-zero {@code start_time_ms} (PROTOCOL.md §5.3), or empty when the
     * start time is invalid ({@link #acceptsStartTime}); validation and read use the same instant, so an eviction
     * between the two cannot lose a bar.
     */
    public Optional<List<BarSet>> replay(BarMode mode, long startTimeMs) {
        return ring(mode).replay(startTimeMs);
    }

    /**
     * Whether {@code startTimeMs} is a valid replay start: not older than the retention (no evicted bar has a
     * timestamp at or after it, so the client loses nothing: {@code start > oldestRetained - interval}), and not
     * later than the end of the current interval ({@code start <= nextBoundaryMs}).
     */
    public boolean acceptsStartTime(BarMode mode, long startTimeMs) {
        Ring ring = ring(mode);
        return ring.accepts(ring.appended, startTimeMs);
    }

    /** The boundary of the oldest retained set of {@code mode}, or -1 when none is retained. */
    public long oldestRetainedMs(BarMode mode) {
        Ring ring = ring(mode);
        long count = ring.appended;
        return count == 0 ? -1 : ring.boundaryAt(ring.oldestIndex(count));
    }

    /** The boundary the next set of {@code mode} will close: the end of the interval being built. */
    public long nextBoundaryMs(BarMode mode) {
        Ring ring = ring(mode);
        return ring.boundaryAt(ring.appended);
    }

    /** Number of sets of {@code mode} retained now. */
    public int retained(BarMode mode) {
        Ring ring = ring(mode);
        long count = ring.appended;
        return (int) (count - ring.oldestIndex(count));
    }

    /** The most sets of {@code mode} kept. */
    public int capacity(BarMode mode) {
        return ring(mode).capacity;
    }

    private Ring ring(BarMode mode) {
        return mode == BarMode.SECOND ? seconds : minutes;
    }

    /** One mode's ring; index {@code i} (0 = first appended) holds the set closing {@code first + i * interval}. */
    private static final class Ring {
        private final BarMode mode;
        private final int capacity;
        private final long firstBoundaryMs;
        private final AtomicReferenceArray<BarSet> slots;
        private volatile long appended;

        Ring(BarMode mode, int capacity, long firstBoundaryMs) {
            if (capacity < 1) {
                throw new IllegalArgumentException(mode + " history capacity must be >= 1, got " + capacity);
            }
            if (mode.floorMs(firstBoundaryMs) != firstBoundaryMs) {
                throw new IllegalArgumentException(mode + " boundary " + firstBoundaryMs + " is not aligned");
            }
            this.mode = mode;
            this.capacity = capacity;
            this.firstBoundaryMs = firstBoundaryMs;
            this.slots = new AtomicReferenceArray<>(capacity);
        }

        void append(BarSet bars) {
            long count = appended;
            long expected = boundaryAt(count);
            if (bars.boundaryMs() != expected) {
                throw new IllegalArgumentException(mode + " history expects boundary " + expected + ", got "
                        + bars.boundaryMs());
            }
            // The volatile write of the count publishes the slot: a reader that sees the count sees the set.
            slots.lazySet((int) (count % capacity), bars);
            appended = count + 1;
        }

        Optional<List<BarSet>> replay(long startTimeMs) {
            while (true) {
                long count = appended;
                if (!accepts(count, startTimeMs)) {
                    return Optional.empty();
                }
                List<BarSet> read = tryRead(count, startTimeMs, Integer.MAX_VALUE);
                if (read != null) {
                    return Optional.of(read);
                }
            }
        }

        List<BarSet> read(long startTimeMs, int maxNewest) {
            while (true) {
                List<BarSet> read = tryRead(appended, startTimeMs, maxNewest);
                if (read != null) {
                    return read;
                }
            }
        }

        /** The sets with boundary >= startTimeMs (at most the newest maxNewest) as of count, or null if lapped. */
        private List<BarSet> tryRead(long count, long startTimeMs, int maxNewest) {
            long from = Math.max(oldestIndex(count), Math.max(count - maxNewest, indexAtOrAfter(startTimeMs)));
            if (from >= count) {
                return List.of();
            }
            BarSet[] out = new BarSet[(int) (count - from)];
            for (long i = from; i < count; i++) {
                BarSet bars = slots.get((int) (i % capacity));
                if (bars == null || bars.boundaryMs() != boundaryAt(i)) {
                    return null;
                }
                out[(int) (i - from)] = bars;
            }
            return List.of(out);
        }

        boolean accepts(long count, long startTimeMs) {
            long oldest = boundaryAt(oldestIndex(count));
            return startTimeMs > oldest - mode.intervalMs() && startTimeMs <= boundaryAt(count);
        }

        long oldestIndex(long count) {
            return Math.max(0, count - capacity);
        }

        long boundaryAt(long index) {
            return firstBoundaryMs + index * mode.intervalMs();
        }

        private long indexAtOrAfter(long startTimeMs) {
            if (startTimeMs <= firstBoundaryMs) {
                return 0;
            }
            long offset = startTimeMs - firstBoundaryMs;
            return (offset + mode.intervalMs() - 1) / mode.intervalMs();
        }
    }
}

package io.tickstorm.server.feed.file;

import io.tickstorm.server.feed.FeedConfig;
import io.tickstorm.server.feed.MalformedReason;
import io.tickstorm.server.feed.TickSink;
import io.tickstorm.server.feed.TickSource;
import io.tickstorm.server.logging.RateLimitedLogger;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code FEED_SOURCE=file}: recorded ticks replayed as live data (PROTOCOL.md §6). The {@link TickLineReader}
 * reads (and gunzips) on its own thread; this source parses lines on the feed thread and writes them into the
 * market.
 *
 * <h2>Time</h2>
 * Timestamps are shifted so that the first tick happens at startup (from standard input: when it arrives), gaps
 * kept and divided by the speed; a tick is written once the wall clock reaches its shifted time (after the tick
 * before it: the file is the order). With {@code FEED_FILE_LOOP}, each pass starts where the previous one ended.
 * At speed 0 there is no pacing: each tick is stamped with the time it is read, so bars still close on the wall
 * clock.
 *
 * <h2>Lateness</h2>
 * A line whose timestamp is older than the newest already read (this pass) by more than the lateness is late: it is
 * written for REALTIME streams but counts in no bar. The lateness is in replay time, so in the file's own time it
 * is {@code FEED_LATENESS x speed} (at speed 0, {@code FEED_LATENESS} of file time).
 *
 * <h2>Position</h2>
 * The newest shifted time read, or the wall clock when nothing more is due yet (paced, an idle pipe, or the end of
 * the file: the market is then quiet, and bars go on closing with volume 0), but never past the wall clock while
 * pacing. While the reading thread is behind, the position waits for it: bars wait, they are never skipped.
 *
 * <p>Bad and late lines are counted by reason; the first {@value #LOGGED_LINES} are logged with their line number,
 * then at most as many every 10 s, each saying how many were held back. Feed thread only, except {@link #close()}.
 */
public final class FileSource implements TickSource {

    /** Skipped lines logged one by one per {@link #SUMMARY_INTERVAL}; the next says how many were held back. */
    static final int LOGGED_LINES = 10;
    static final Duration SUMMARY_INTERVAL = Duration.ofSeconds(10);
    /** Lines handled per poll at most, so that the feed thread closes bars in between. */
    static final int MAX_LINES_PER_POLL = 1 << 16;

    private static final Logger LOG = LoggerFactory.getLogger(FileSource.class);
    private static final long NANOS_PER_MS = 1_000_000L;

    private final String description;
    private final TickLineReader reader;
    private final TickFileFormat format;
    private final boolean stdin;
    private final double speed;
    private final long latenessNanos;
    /** At speed 0 lateness is judged on the file's own timestamps. */
    private final long latenessFileMs;
    private final TickLineParser parser;
    private final TickRecord record = new TickRecord();

    // Feed thread state.
    private LineChunk chunk;
    /** The current line of {@link #chunk} is parsed into {@link #record} but not written yet. */
    private boolean pending;
    private long pendingNanos;
    private long pendingReleaseNanos;
    private int pass = -1;
    private int passes;
    private boolean passStarted;
    private boolean anyTick;
    private long passBaseFileMs;
    private long passBaseNanos;
    private long newestFileMs;
    private long newestNanos;
    private long releasedNanos;
    private boolean endOfInput;
    private long polledAtNanos;
    /** Lines this poll may still handle, good or bad. */
    private int lineBudget;

    private final RateLimitedLogger skippedLog = new RateLimitedLogger(LOG, LOGGED_LINES, SUMMARY_INTERVAL);

    private FileSource(String description, TickLineReader reader, TickFileFormat format, TickLineParser parser,
                       boolean stdin, double speed, long latenessNanos) {
        this.description = description;
        this.reader = reader;
        this.format = format;
        this.parser = parser;
        this.stdin = stdin;
        this.speed = speed;
        this.latenessNanos = latenessNanos;
        this.latenessFileMs = speed == 0 ? TimeUnit.NANOSECONDS.toMillis(latenessNanos)
                : (long) (TimeUnit.NANOSECONDS.toMillis(latenessNanos) * speed);
    }

    /**
     * The source {@code config} names ({@code FEED_FILE}, {@code FEED_FILE_SPEED}, {@code FEED_FILE_LOOP},
     * {@code FEED_LATENESS}); a CSV header is read now, so a bad one stops startup.
     *
     * @param wake called when the reading thread has lines for the feed thread
     * @throws IllegalArgumentException naming {@code FEED_FILE} if the file cannot be read or its header is bad
     */
    public static FileSource open(FeedConfig config, InputStream stdin, Runnable wake) {
        String file = config.file();
        long latenessNanos = config.lateness().toNanos();
        try {
            if (TickFileFormat.STDIN.equals(file)) {
                TickLineReader reader = TickLineReader.ofStream(stdin, "stdin", TickLineReader.DEFAULT_CHUNK_BYTES,
                        TickLineReader.DEFAULT_CHUNK_COUNT, wake);
                return new FileSource("NDJSON from standard input" + pace(config), reader, TickFileFormat.NDJSON,
                        new NdjsonTickParser(), true, config.fileSpeed(), latenessNanos);
            }
            Path path = Path.of(file);
            TickFileFormat format = TickFileFormat.of(file);
            TickLineParser parser = format == TickFileFormat.CSV ? CsvTickParser.readHeader(path)
                    : new NdjsonTickParser();
            TickLineReader reader = TickLineReader.open(path, config.fileLoop(), TickLineReader.DEFAULT_CHUNK_BYTES,
                    TickLineReader.DEFAULT_CHUNK_COUNT, wake);
            return new FileSource(format + " file " + file + pace(config) + (config.fileLoop() ? ", looping" : ""),
                    reader, format, parser, false, config.fileSpeed(), latenessNanos);
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalArgumentException("FEED_FILE=" + file + ": " + e.getMessage(), e);
        }
    }

    private static String pace(FeedConfig config) {
        return config.fileSpeed() == 0 ? ", unpaced" : config.fileSpeed() == 1 ? ", at recorded speed"
                : ", at " + config.fileSpeed() + "x speed";
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public boolean canBackfill() {
        return false;
    }

    @Override
    public long open(long nowNanos, long historyStartNanos) {
        polledAtNanos = nowNanos;
        newestNanos = nowNanos;
        releasedNanos = nowNanos;
        reader.start();
        return nowNanos;
    }

    @Override
    public boolean poll(long nowNanos, TickSink sink) {
        polledAtNanos = Math.max(polledAtNanos, nowNanos);
        lineBudget = MAX_LINES_PER_POLL;
        while (true) {
            if (!pending && !nextTick(sink)) {
                return lineBudget == 0;
            }
            if (speed > 0 && pendingReleaseNanos > nowNanos) {
                return false;
            }
            long stamp = speed > 0 ? pendingNanos : polledAtNanos;
            if (stamp >= sink.horizonNanos()) {
                // The market must close older intervals first; the position already covers this line.
                return true;
            }
            write(sink, stamp);
        }
    }

    /**
     * Parses lines until one holds a tick, which becomes pending; false if no line is ready or this poll's line
     * budget is spent.
     */
    private boolean nextTick(TickSink sink) {
        while (lineBudget > 0) {
            if (chunk == null || !chunk.nextLine()) {
                if (!nextChunk()) {
                    return false;
                }
                continue;
            }
            lineBudget--;
            if (chunk.firstOfPass() && chunk.lineNumber() == 1 && chunk.pass() != pass) {
                startPass(chunk.pass());
                if (format == TickFileFormat.CSV) {
                    // Every pass starts with the header, read at startup.
                    continue;
                }
            }
            if (chunk.lineTooLong()) {
                skipped(sink, MalformedReason.LINE_TOO_LONG);
                continue;
            }
            byte[] data = chunk.data();
            if (TickLineParser.isBlank(data, chunk.lineOffset(), chunk.lineLength())) {
                continue;
            }
            MalformedReason bad = parser.parse(data, chunk.lineOffset(), chunk.lineLength(), record);
            if (bad != null) {
                skipped(sink, bad);
                continue;
            }
            if (!passStarted) {
                passStarted = true;
                passBaseFileMs = record.timestampMs();
                // A file's first tick happens at startup, a pipe's when it arrives; a later pass starts where the
                // previous one ended.
                passBaseNanos = stdin && !anyTick ? Math.max(polledAtNanos, releasedNanos) : releasedNanos;
                anyTick = true;
                newestFileMs = record.timestampMs();
            }
            pendingNanos = shifted(record.timestampMs());
            pendingReleaseNanos = Math.max(pendingNanos, releasedNanos);
            pending = true;
            return true;
        }
        return false;
    }

    private boolean nextChunk() {
        if (chunk != null) {
            boolean last = chunk.endOfInput();
            reader.release(chunk);
            chunk = null;
            if (last) {
                endOfInput = true;
                LOG.info("Feed file {} ended{}: the market is quiet from now on", reader.name(),
                        reader.failure() != null ? " early (" + reader.failure().getMessage() + ")" : "");
            }
        }
        if (endOfInput) {
            return false;
        }
        chunk = reader.poll();
        return chunk != null;
    }

    private void startPass(int nextPass) {
        pass = nextPass;
        passStarted = false;
        passes++;
        if (passes > 1) {
            LOG.info("Feed file {}: pass {} starts where the previous one ended", reader.name(), passes);
        }
    }

    /** The replay time of a file timestamp: the pass's base, plus the gap divided by the speed. */
    private long shifted(long fileMs) {
        if (speed == 0) {
            return polledAtNanos;
        }
        double gapNanos = (fileMs - passBaseFileMs) * (double) NANOS_PER_MS / speed;
        return passBaseNanos + (long) gapNanos;
    }

    private void write(TickSink sink, long stamp) {
        pending = false;
        int symbol = sink.universe().resolve(record.symbolArray(), record.symbolOffset(), record.symbolLength());
        if (symbol < 0) {
            sink.unknownSymbol();
            return;
        }
        boolean late = record.timestampMs() < newestFileMs - latenessFileMs;
        if (late) {
            logLine("late (older than the newest tick read by more than the lateness): served on REALTIME, in no bar");
        } else {
            newestFileMs = Math.max(newestFileMs, record.timestampMs());
        }
        releasedNanos = Math.max(releasedNanos, speed > 0 ? pendingReleaseNanos : stamp);
        newestNanos = Math.max(newestNanos, stamp);
        sink.tick(symbol, stamp, record.price(), record.volume(), record.bid(), record.ask(), record.bidSize(),
                record.askSize(), late ? TickSink.NO_BARS : TickSink.BOTH_BARS);
    }

    private void skipped(TickSink sink, MalformedReason reason) {
        sink.malformed(reason);
        logLine(reason.label() + ", skipped");
    }

    private void logLine(String what) {
        skippedLog.warn("Feed file {} line {}: {}", reader.name(), chunk == null ? -1 : chunk.lineNumber(), what);
    }

    @Override
    public long positionNanos() {
        if (speed == 0) {
            return polledAtNanos;
        }
        boolean waitingForData = !pending && !endOfInput && !stdin;
        if (waitingForData) {
            // The reading thread is behind: what it has not read yet may still be on time.
            return newestNanos;
        }
        long ahead = pending ? Math.min(pendingNanos, polledAtNanos) : polledAtNanos;
        return Math.max(newestNanos, ahead);
    }

    @Override
    public long latenessNanos() {
        return speed == 0 ? 0 : latenessNanos;
    }

    @Override
    public long nextPollNanos(long nowNanos, boolean ticksWanted) {
        if (pending) {
            return speed > 0 ? pendingReleaseNanos : nowNanos;
        }
        // Waiting for the reading thread, which wakes the feed; or at the end, when only the bar clock matters.
        return Long.MAX_VALUE;
    }

    @Override
    public void close() {
        reader.close();
    }
}

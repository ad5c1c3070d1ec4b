package io.tickstorm.server.feed.file;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the lines of a tick recording on its own daemon thread and hands them to the feed thread in
 * {@link LineChunk}s of whole lines, through a bounded queue; released chunks come back through a second queue, so
 * in steady state nothing is allocated and the reading thread waits (parked) while the feed thread holds every
 * chunk.
 *
 * <pre>
 *  file / gzip / stdin ──► reader thread ──► [ready chunks] ──► feed thread: poll, nextLine, parse
 *                               ▲                                   │
 *                               └──────────── [free chunks] ◄───────┘ release
 * </pre>
 *
 * <ul>
 *   <li>A file ({@link #open}) is gunzipped when its name ends with .gz; a missing or unreadable file fails
 *       {@code open} with a message naming the path. With {@code loop}, the file is reopened at its end and read
 *       again: the first chunk of each pass has {@link LineChunk#firstOfPass()} and a higher
 *       {@link LineChunk#pass()}. An empty file is not looped over (it would spin): its one pass ends the input.
 *   <li>A stream ({@link #ofStream}, standard input) is read as it arrives: whenever a read returns less than asked
 *       and nothing more is waiting, the complete lines read so far are handed over at once rather than when a
 *       chunk is full.
 *   <li>A line longer than a chunk is skipped, and reported in its place ({@link LineChunk#lineTooLong()}).
 *   <li>The last chunk has {@link LineChunk#endOfInput()}. An I/O error (a truncated gzip file, a failing disk)
 *       is logged once and ends the input the same way, after the complete lines read before it; then
 *       {@link #failure()} holds it.
 * </ul>
 *
 * <p>Threads: {@link #poll()} and {@link #release} are for one consumer thread (the feed thread) and never block;
 * the {@code wake} callback runs on the reading thread after each chunk is queued, so the consumer may park while
 * {@link #poll()} returns null. {@link #close()} from any thread.
 */
public final class TickLineReader implements AutoCloseable {

    /** Default chunk size: a MiB holds about 4,000 CLI lines. */
    public static final int DEFAULT_CHUNK_BYTES = 1 << 20;
    /** Default number of chunks: one being filled, some queued, one being parsed. */
    public static final int DEFAULT_CHUNK_COUNT = 4;
    /** The reading thread's name. */
    public static final String THREAD_NAME = "tick-file-reader";

    private static final Logger LOG = LoggerFactory.getLogger(TickLineReader.class);
    private static final long CLOSE_JOIN_MS = 2_000;

    private final String name;
    private final Path path;
    private final boolean loop;
    private final boolean promptDelivery;
    private final Runnable wake;
    private final int chunkBytes;
    private final ChunkQueue ready;
    private final ChunkQueue free;
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    /** The stream being read; volatile because close() may close it from another thread. */
    private volatile InputStream input;
    private volatile Thread thread;
    private volatile IOException failure;

    // Reading thread only: the chunk being filled.
    private LineChunk chunk;
    /** Bytes read into the chunk. */
    private int fill;
    /** Where the line being read starts in the chunk; the bytes before it are whole lines. */
    private int lineStart;
    /** Inside a line too long for a chunk: its bytes are dropped until its LF. */
    private boolean discarding;
    private int pass;

    private TickLineReader(String name, Path path, InputStream input, boolean loop, boolean promptDelivery,
            int chunkBytes, int chunkCount, Runnable wake) {
        if (chunkBytes < 2) {
            throw new IllegalArgumentException("chunkBytes must be at least 2: " + chunkBytes);
        }
        if (chunkCount < 1) {
            throw new IllegalArgumentException("chunkCount must be at least 1: " + chunkCount);
        }
        this.name = name;
        this.path = path;
        this.input = input;
        this.loop = loop;
        this.promptDelivery = promptDelivery;
        this.chunkBytes = chunkBytes;
        this.wake = Objects.requireNonNull(wake, "wake");
        this.ready = new ChunkQueue(chunkCount);
        this.free = new ChunkQueue(chunkCount);
        for (int i = 0; i < chunkCount; i++) {
            free.offer(new LineChunk(chunkBytes));
        }
    }

    /**
     * A reader of the file at {@code path}, opened now so a bad path fails here: the message names the path and
     * says "no such file", "is a directory", "not readable" or "not in gzip format". Call {@link #start()} next.
     * A path that is not a regular file (a named pipe, {@code /dev/stdin}) is read as it arrives, like
     * {@link #ofStream} (unless gzipped: a gzip stream cannot tell whether more input is waiting); opening a named
     * pipe waits for its writer.
     *
     * @param loop read the file again from the start at its end, forever
     * @param chunkBytes chunk size ({@link #DEFAULT_CHUNK_BYTES}); a line of this many bytes or more, LF not
     *     counted, is skipped as too long
     * @param chunkCount chunks in circulation ({@link #DEFAULT_CHUNK_COUNT})
     * @param wake called on the reading thread each time a chunk is ready; must not block or throw
     */
    public static TickLineReader open(Path path, boolean loop, int chunkBytes, int chunkCount, Runnable wake)
            throws IOException {
        InputStream input = TickFileFormat.open(path);
        // A named pipe or /dev/stdin delivers as it arrives, like standard input.
        boolean pipe = !Files.isRegularFile(path);
        return new TickLineReader(path.toString(), path, input, loop, pipe, chunkBytes, chunkCount, wake);
    }

    /**
     * A reader of {@code input} (standard input), read as it arrives and never looped. The reader owns the stream:
     * it is closed at its end and by {@link #close()}. {@code chunkBytes}, {@code chunkCount} and {@code wake} are
     * as for {@link #open}.
     *
     * @param name for logs, e.g. "stdin"
     */
    public static TickLineReader ofStream(InputStream input, String name, int chunkBytes, int chunkCount,
            Runnable wake) {
        return new TickLineReader(name, null, Objects.requireNonNull(input, "input"), false, true, chunkBytes,
                chunkCount, wake);
    }

    /** Starts the reading thread (once). */
    public void start() {
        if (!started.compareAndSet(false, true)) {
            throw new IllegalStateException("already started");
        }
        if (closed.get()) {
            throw new IllegalStateException("closed");
        }
        Thread reading = new Thread(this::run, THREAD_NAME);
        reading.setDaemon(true);
        reading.setUncaughtExceptionHandler((t, e) -> LOG.error("Tick input {}: reading thread died", name, e));
        thread = reading;
        reading.start();
    }

    /** Consumer: the next chunk of lines, or null if none is ready. Never blocks. */
    public LineChunk poll() {
        LineChunk next = ready.poll();
        if (next != null) {
            next.delivered = true;
        }
        return next;
    }

    /** Consumer: gives a polled chunk back for reuse; its bytes (and records parsed from it) are then invalid. */
    public void release(LineChunk released) {
        if (!released.delivered) {
            throw new IllegalStateException("chunk released twice, or not polled from this reader");
        }
        released.delivered = false;
        if (!free.offer(released)) {
            throw new IllegalStateException("more chunks released than this reader owns");
        }
        Thread reading = thread;
        if (reading != null) {
            LockSupport.unpark(reading);
        }
    }

    /** Whether the reading thread is alive: started, and neither at the end of the input nor closed. */
    public boolean running() {
        Thread reading = thread;
        return reading != null && reading.isAlive();
    }

    /** The I/O error that ended the input early, or null. */
    public IOException failure() {
        return failure;
    }

    /** The path or stream name, for logs. */
    public String name() {
        return name;
    }

    /**
     * Stops the reading thread and closes the input; idempotent. A thread blocked reading a pipe that ignores both
     * interruption and closing (standard input on some systems) is left behind: it is a daemon and does nothing
     * more once it wakes.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        Thread reading = thread;
        if (reading == null) {
            closeInput();
            return;
        }
        reading.interrupt(); // ends a park, and a read from a file channel (it closes the channel)
        if (reading != Thread.currentThread()) {
            try {
                reading.join(CLOSE_JOIN_MS / 2);
                if (reading.isAlive()) {
                    closeInput(); // a stream that ignores interrupts may still end its read when closed
                    reading.join(CLOSE_JOIN_MS / 2);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (reading.isAlive()) {
                LOG.warn("Tick input {}: reading thread still blocked in a read after close", name);
            }
        }
    }

    private void run() {
        try {
            readAll();
        } catch (InterruptedException e) {
            // close(): nothing more to deliver
        } catch (IOException | RuntimeException e) {
            if (closed.get()) {
                return; // the stream was closed under the read
            }
            if (e instanceof IOException io) {
                failure = io;
                LOG.warn("Tick input {}: read failed, treating it as the end of the input: {}", name, e.toString());
            } else {
                failure = new IOException(e); // a bug; still end the input so the feed thread is not left waiting
                LOG.error("Tick input {}: reading failed, treating it as the end of the input", name, e);
            }
            try {
                // Deliver the whole lines read before the error, and the end.
                if (chunk == null) {
                    chunk = takeFree();
                    chunk.begin(pass, false, 1);
                    lineStart = 0;
                }
                ship(lineStart, true);
            } catch (InterruptedException closing) {
                // close() while waiting for a chunk
            }
        } finally {
            closeInput();
        }
    }

    private void readAll() throws IOException, InterruptedException {
        pass = 1;
        beginPass();
        long passBytes = 0;
        InputStream in = input;
        while (true) {
            if (closed.get()) {
                throw new InterruptedException();
            }
            if (fill == chunkBytes) {
                makeRoom();
                continue;
            }
            int requested = chunkBytes - fill;
            int n = in.read(chunk.data, fill, requested);
            if (n < 0) {
                in.close();
                if (!discarding) {
                    lineStart = fill; // the last line may lack its LF
                }
                if (!loop || passBytes == 0) {
                    if (loop) {
                        LOG.warn("Tick input {}: a pass read nothing; not looping over an empty file", name);
                    }
                    ship(fill, true);
                    return;
                }
                if (fill > 0) {
                    ship(fill, false);
                    chunk = takeFree();
                }
                pass++;
                chunk.begin(pass, true, 1); // before opening, so a failure ends the input with a clean chunk
                resetFill();
                passBytes = 0;
                in = TickFileFormat.open(path);
                input = in;
                if (closed.get()) {
                    throw new InterruptedException();
                }
                continue;
            }
            passBytes += n;
            int from = fill;
            fill += n;
            if (discarding) {
                int lineFeed = LineChunk.indexOfNewline(chunk.data, from, fill);
                if (lineFeed < 0) {
                    fill = from; // still inside the long line
                    continue;
                }
                int rest = fill - lineFeed - 1;
                System.arraycopy(chunk.data, lineFeed + 1, chunk.data, from, rest);
                fill = from + rest;
                discarding = false;
            }
            int lastLineFeed = LineChunk.lastIndexOfNewline(chunk.data, from, fill);
            if (lastLineFeed >= 0) {
                lineStart = lastLineFeed + 1;
            }
            if (promptDelivery && lineStart > 0 && n < requested && in.available() == 0) {
                shipAndCarry(); // the next read may block: hand over what has arrived
            }
        }
    }

    /** The chunk is full: hand over its whole lines, or skip the one line that fills it. */
    private void makeRoom() throws InterruptedException {
        if (lineStart > 0) {
            shipAndCarry();
            return;
        }
        // One line fills the chunk (lines before it were handed over, see shipAndCarry). Leave a one-byte
        // stand-in line so the consumer counts it with its number, and drop its bytes until its LF.
        chunk.markFirstLineTooLong();
        chunk.data[0] = '\n';
        fill = 1;
        lineStart = 1;
        discarding = true;
    }

    /** Hands over the whole lines of the chunk and moves the partial line after them to a fresh chunk. */
    private void shipAndCarry() throws InterruptedException {
        LineChunk full = chunk;
        int carried = fill - lineStart;
        long nextLineNumber = full.firstLineNumber() + LineChunk.countNewlines(full.data, 0, lineStart);
        int carryFrom = lineStart;
        ship(lineStart, false);
        chunk = takeFree();
        // The consumer only reads a chunk's lines, never the partial line after them, so the copy is safe even if
        // the chunk taken is the one just shipped (then the ranges overlap, which arraycopy allows).
        System.arraycopy(full.data, carryFrom, chunk.data, 0, carried);
        chunk.begin(pass, false, nextLineNumber);
        fill = carried;
        lineStart = 0;
    }

    private void ship(int length, boolean endOfInput) {
        LineChunk done = chunk;
        chunk = null;
        done.seal(length, endOfInput);
        if (!ready.offer(done)) {
            throw new IllegalStateException("ready queue full: more chunks than were allocated");
        }
        wake.run();
    }

    private void beginPass() throws InterruptedException {
        chunk = takeFree();
        chunk.begin(pass, true, 1);
        resetFill();
    }

    private void resetFill() {
        fill = 0;
        lineStart = 0;
        discarding = false;
    }

    /** Waits for a released chunk. */
    private LineChunk takeFree() throws InterruptedException {
        while (true) {
            LineChunk next = free.poll();
            if (next != null) {
                return next;
            }
            if (closed.get() || Thread.interrupted()) {
                throw new InterruptedException();
            }
            LockSupport.park(this);
        }
    }

    private void closeInput() {
        InputStream in = input;
        if (in == null) {
            return;
        }
        try {
            in.close();
        } catch (IOException e) {
            LOG.debug("Tick input {}: closing failed", name, e);
        }
    }
}

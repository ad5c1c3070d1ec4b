package io.tickstorm.server.feed.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TickLineReaderTest {

    /** Failure guard only: every wait ends far sooner when the code works. */
    private static final long TIMEOUT_MS = 10_000;
    private static final String TOO_LONG = "<too long>";

    @TempDir
    Path dir;

    private final Semaphore wakes = new Semaphore(0);
    private final List<TickLineReader> readers = new ArrayList<>();

    @AfterEach
    void closeReaders() {
        readers.forEach(TickLineReader::close);
    }

    /** One line as the consumer saw it. */
    record Seen(int pass, long number, String text, boolean firstOfPass) {
    }

    private TickLineReader open(Path path, boolean loop, int chunkBytes, int chunkCount) throws IOException {
        TickLineReader reader = TickLineReader.open(path, loop, chunkBytes, chunkCount, wakes::release);
        readers.add(reader);
        reader.start();
        return reader;
    }

    private TickLineReader ofStream(InputStream in, int chunkBytes) {
        TickLineReader reader = TickLineReader.ofStream(in, "stdin", chunkBytes, 2, wakes::release);
        readers.add(reader);
        reader.start();
        return reader;
    }

    /** The next chunk, waiting for a wake-up as a parked feed thread would. */
    private LineChunk next(TickLineReader reader) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(TIMEOUT_MS);
        while (true) {
            LineChunk chunk = reader.poll();
            if (chunk != null) {
                return chunk;
            }
            long leftNanos = deadline - System.nanoTime();
            if (leftNanos <= 0 || !wakes.tryAcquire(leftNanos, TimeUnit.NANOSECONDS)) {
                throw new AssertionError("no chunk within " + TIMEOUT_MS + " ms");
            }
        }
    }

    /** The lines of one chunk; releases it. */
    private static List<Seen> lines(TickLineReader reader, LineChunk chunk) {
        List<Seen> seen = new ArrayList<>();
        long expectedNumber = chunk.firstLineNumber();
        while (chunk.nextLine()) {
            assertEquals(expectedNumber++, chunk.lineNumber());
            String text = chunk.lineTooLong() ? TOO_LONG : new String(chunk.data(), chunk.lineOffset(),
                    chunk.lineLength(), StandardCharsets.UTF_8);
            seen.add(new Seen(chunk.pass(), chunk.lineNumber(), text, chunk.firstOfPass()));
        }
        reader.release(chunk);
        return seen;
    }

    /** Every line up to the end of the input. */
    private List<Seen> drain(TickLineReader reader) throws InterruptedException {
        List<Seen> seen = new ArrayList<>();
        while (true) {
            LineChunk chunk = next(reader);
            boolean end = chunk.endOfInput();
            seen.addAll(lines(reader, chunk));
            if (end) {
                return seen;
            }
        }
    }

    private static List<String> texts(List<Seen> seen) {
        return seen.stream().map(Seen::text).toList();
    }

    private static List<Long> numbers(List<Seen> seen) {
        return seen.stream().map(Seen::number).toList();
    }

    private Path write(String name, String content) throws IOException {
        return Files.write(dir.resolve(name), content.getBytes(StandardCharsets.UTF_8));
    }

    private Path writeGzip(String name, byte[] content) throws IOException {
        Path path = dir.resolve(name);
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(path))) {
            out.write(content);
        }
        return path;
    }

    /** Random lines of 0 to 50 bytes, some ending with CR. */
    private static List<String> randomLines(long seed, int count) {
        SplittableRandom random = new SplittableRandom(seed);
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            StringBuilder line = new StringBuilder();
            for (int c = random.nextInt(51); c > 0; c--) {
                line.append((char) random.nextInt(' ', '~' + 1));
            }
            lines.add(line.toString());
        }
        return lines;
    }

    private static String joinWithRandomLineEnds(List<String> lines, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        StringBuilder text = new StringBuilder();
        for (String line : lines) {
            text.append(line).append(random.nextInt(4) == 0 ? "\r\n" : "\n");
        }
        return text.toString();
    }

    @Test
    void deliversEveryLineWithItsNumberWhateverTheChunkSize() throws Exception {
        List<String> lines = randomLines(1, 3_000);
        Path path = write("ticks.ndjson", joinWithRandomLineEnds(lines, 2));
        List<Long> expectedNumbers = new ArrayList<>();
        for (long n = 1; n <= lines.size(); n++) {
            expectedNumbers.add(n);
        }
        for (int chunkBytes : new int[] {53, 64, 100, 4096, TickLineReader.DEFAULT_CHUNK_BYTES}) {
            for (int chunkCount : new int[] {1, 2, 4}) {
                List<Seen> seen = drain(open(path, false, chunkBytes, chunkCount));
                assertEquals(lines, texts(seen), chunkBytes + " x " + chunkCount);
                assertEquals(expectedNumbers, numbers(seen));
                assertTrue(seen.stream().allMatch(s -> s.pass() == 1));
            }
        }
    }

    @Test
    void readsTheLastLineWithoutItsLineFeed() throws Exception {
        assertEquals(List.of("a", "b", "last"), texts(drain(open(write("a.csv", "a\r\nb\nlast"), false, 64, 2))));
        assertEquals(List.of("only"), texts(drain(open(write("b.csv", "only"), false, 64, 2))));
        assertEquals(List.of(), texts(drain(open(write("c.csv", ""), false, 64, 2))));
        assertEquals(List.of("", ""), texts(drain(open(write("d.csv", "\n\r\n"), false, 64, 2))));
    }

    @Test
    void gunzipsFilesEndingInGz() throws Exception {
        List<String> lines = randomLines(3, 5_000);
        Path path = writeGzip("ticks.ndjson.gz", joinWithRandomLineEnds(lines, 4).getBytes(StandardCharsets.UTF_8));
        assertEquals(lines, texts(drain(open(path, false, 1024, 3))));
    }

    @Test
    void skipsLinesLongerThanAChunkAndKeepsTheOthersAndTheirNumbers() throws Exception {
        String content = "a\n" + "x".repeat(200) + "\nb\n" + "y".repeat(64) + "\n" + "c\n" + "z".repeat(63) + "\n"
                + "w".repeat(64) + "\r\n" + "v".repeat(130) + "\nd\n" + "u".repeat(1000);
        List<Seen> seen = drain(open(write("long.ndjson", content), false, 64, 2));
        assertEquals(List.of("a", TOO_LONG, "b", TOO_LONG, "c", "z".repeat(63), TOO_LONG, TOO_LONG, "d", TOO_LONG),
                texts(seen));
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L), numbers(seen));
        seen = drain(open(write("first.ndjson", "q".repeat(500) + "\nafter\n"), false, 64, 1));
        assertEquals(List.of(TOO_LONG, "after"), texts(seen));
    }

    @Test
    void loopsOverTheFileMarkingEachPass() throws Exception {
        TickLineReader reader = open(write("loop.ndjson", "l1\nl2\nl3"), true, 64, 2);
        List<Seen> seen = new ArrayList<>();
        while (seen.size() < 9) {
            LineChunk chunk = next(reader);
            assertFalse(chunk.endOfInput());
            seen.addAll(lines(reader, chunk));
        }
        reader.close();
        List<Seen> expected = new ArrayList<>();
        for (int pass = 1; pass <= 3; pass++) {
            expected.add(new Seen(pass, 1, "l1", true));
            expected.add(new Seen(pass, 2, "l2", true));
            expected.add(new Seen(pass, 3, "l3", true));
        }
        assertEquals(expected, seen.subList(0, 9));
        assertFalse(reader.running());
    }

    @Test
    void marksOnlyTheFirstChunkOfAPass() throws Exception {
        List<String> lines = randomLines(5, 200);
        TickLineReader reader = open(write("loop.ndjson", String.join("\n", lines) + "\n"), true, 128, 3);
        List<Seen> seen = new ArrayList<>();
        while (seen.size() < 2 * lines.size()) {
            seen.addAll(lines(reader, next(reader)));
        }
        reader.close();
        for (int i = 0; i < 2 * lines.size(); i++) {
            Seen line = seen.get(i);
            assertEquals(i / lines.size() + 1, line.pass());
            assertEquals(i % lines.size() + 1, line.number());
            assertEquals(lines.get(i % lines.size()), line.text());
            if (line.number() == 1) {
                assertTrue(line.firstOfPass());
            }
            if (line.number() > 50) {
                assertFalse(line.firstOfPass()); // 128-byte chunks hold fewer than 50 lines
            }
        }
    }

    @Test
    void doesNotLoopOverAnEmptyFile() throws Exception {
        TickLineReader reader = open(write("empty.ndjson", ""), true, 64, 2);
        assertEquals(List.of(), drain(reader));
        assertNull(reader.failure());
    }

    @Test
    void failsToOpenAMissingUnreadableOrNonGzipFileNamingIt() throws Exception {
        Path missing = dir.resolve("missing.ndjson");
        NoSuchFileException noFile = assertThrows(NoSuchFileException.class,
                () -> TickLineReader.open(missing, false, 64, 2, () -> { }));
        assertEquals(missing + ": no such file", noFile.getMessage());

        FileSystemException directory = assertThrows(FileSystemException.class,
                () -> TickLineReader.open(dir, false, 64, 2, () -> { }));
        assertEquals(dir + ": is a directory", directory.getMessage());

        Path notGzip = write("plain.ndjson.gz", "{}\n");
        IOException gzip = assertThrows(IOException.class,
                () -> TickLineReader.open(notGzip, false, 64, 2, () -> { }));
        assertTrue(gzip.getMessage().startsWith(notGzip + ": not in gzip format"), gzip.getMessage());

        Path locked = write("locked.ndjson", "{}\n");
        Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("---------"));
        assumeFalse(Files.isReadable(locked), "running as root: every file is readable");
        AccessDeniedException denied = assertThrows(AccessDeniedException.class,
                () -> TickLineReader.open(locked, false, 64, 2, () -> { }));
        assertEquals(locked + ": not readable", denied.getMessage());
    }

    @Test
    void deliversStreamedLinesAsTheyArriveAndWakesTheConsumer() throws Exception {
        PieceInputStream stdin = new PieceInputStream();
        TickLineReader reader = ofStream(stdin, TickLineReader.DEFAULT_CHUNK_BYTES);
        stdin.send("line1\n");
        assertEquals(List.of(new Seen(1, 1, "line1", true)), lines(reader, next(reader)));
        stdin.send("li"); // no whole line yet: nothing is delivered
        stdin.send("ne2\r\nline3\npart");
        assertEquals(List.of("line2", "line3"), texts(lines(reader, next(reader))));
        stdin.send("ial\n");
        LineChunk chunk = next(reader);
        assertEquals(4, chunk.firstLineNumber());
        assertEquals(List.of("partial"), texts(lines(reader, chunk)));
        assertNull(reader.poll());
        stdin.send("unterminated");
        stdin.end();
        chunk = next(reader);
        assertTrue(chunk.endOfInput());
        assertEquals(List.of(new Seen(1, 5, "unterminated", false)), lines(reader, chunk));
        assertNull(reader.failure());
    }

    @Test
    void readsANamedPipeAsItArrives() throws Exception {
        Path fifo = dir.resolve("ticks.ndjson");
        assumeTrue(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor() == 0, "mkfifo");
        // Opening either end of a pipe waits for the other: the writing end opens on another thread.
        CompletableFuture<OutputStream> writing = CompletableFuture.supplyAsync(() -> {
            try {
                return new FileOutputStream(fifo.toFile());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        TickLineReader reader = open(fifo, false, TickLineReader.DEFAULT_CHUNK_BYTES, 2);
        try (OutputStream out = writing.get(TIMEOUT_MS, TimeUnit.MILLISECONDS)) {
            out.write("first\n".getBytes(StandardCharsets.UTF_8));
            out.flush();
            assertEquals(List.of("first"), texts(lines(reader, next(reader)))); // not waiting for a full MiB
            out.write("second\n".getBytes(StandardCharsets.UTF_8));
        }
        assertEquals(List.of("second"), texts(drain(reader)));
    }

    @Test
    void aLongStreamedLineIsSkippedToo() throws Exception {
        PieceInputStream stdin = new PieceInputStream();
        TickLineReader reader = ofStream(stdin, 16);
        stdin.send("ok\n" + "n".repeat(10));
        stdin.send("n".repeat(10));
        stdin.send("n".repeat(10) + "\nfine\n");
        stdin.end();
        List<Seen> seen = drain(reader);
        assertEquals(List.of("ok", TOO_LONG, "fine"), texts(seen));
        assertEquals(List.of(1L, 2L, 3L), numbers(seen));
    }

    @Test
    void anIoErrorEndsTheInputAfterTheWholeLinesReadBeforeIt() throws Exception {
        List<String> lines = randomLines(6, 20_000);
        ByteArrayOutputStream gzipped = new ByteArrayOutputStream();
        try (OutputStream out = new GZIPOutputStream(gzipped)) {
            out.write(joinWithRandomLineEnds(lines, 7).getBytes(StandardCharsets.UTF_8));
        }
        byte[] whole = gzipped.toByteArray();
        Path truncated = Files.write(dir.resolve("truncated.csv.gz"), Arrays.copyOf(whole, whole.length / 2));
        TickLineReader reader = open(truncated, false, 4096, 2);
        List<String> seen = texts(drain(reader));
        assertFalse(seen.isEmpty());
        assertTrue(seen.size() < lines.size());
        assertEquals(lines.subList(0, seen.size()), seen);
        assertNotNull(reader.failure());

        PieceInputStream failing = new PieceInputStream();
        reader = ofStream(failing, 64);
        failing.send("whole\npart");
        failing.fail();
        assertEquals(List.of("whole"), texts(drain(reader)));
        assertEquals("broken pipe", reader.failure().getMessage());
    }

    @Test
    void closeStopsAThreadBlockedInARead() throws Exception {
        PieceInputStream stdin = new PieceInputStream();
        TickLineReader reader = ofStream(stdin, 64);
        stdin.send("a\n");
        lines(reader, next(reader));
        assertTrue(reader.running());
        reader.close(); // the thread waits in read(): interrupted
        assertFalse(reader.running());
        assertTrue(stdin.closed);
        reader.close(); // idempotent
    }

    @Test
    void closeStopsAThreadWaitingForAFreeChunk() throws Exception {
        TickLineReader reader = open(write("loop.ndjson", "x\n".repeat(100)), true, 64, 2);
        LineChunk held = next(reader); // the consumer holds both chunks: the reader waits
        LineChunk alsoHeld = next(reader);
        assertTrue(reader.running());
        reader.close();
        assertFalse(reader.running());
        assertTrue(held.length() > 0 && alsoHeld.length() > 0);
    }

    @Test
    void closeBeforeStartClosesTheStream() {
        PieceInputStream stdin = new PieceInputStream();
        TickLineReader reader = TickLineReader.ofStream(stdin, "stdin", 64, 2, () -> { });
        reader.close();
        assertTrue(stdin.closed);
        assertFalse(reader.running());
        assertThrows(IllegalStateException.class, reader::start);
    }

    @Test
    void aChunkCannotBeReleasedTwice() throws Exception {
        TickLineReader reader = open(write("a.ndjson", "a\n"), false, 64, 2);
        LineChunk chunk = next(reader);
        reader.release(chunk);
        assertThrows(IllegalStateException.class, () -> reader.release(chunk));
    }

    /**
     * A stream fed piece by piece by the test, like a pipe: read() returns at most what one piece holds and
     * blocks until the next arrives; available() is what is left of the current piece.
     */
    static final class PieceInputStream extends InputStream {
        private static final byte[] END = new byte[0];
        private static final byte[] FAIL = new byte[0];
        private final BlockingQueue<byte[]> pieces = new LinkedBlockingQueue<>();
        private byte[] current = new byte[0];
        private int position;
        volatile boolean closed;

        void send(String text) {
            pieces.add(text.getBytes(StandardCharsets.UTF_8));
        }

        void end() {
            pieces.add(END);
        }

        void fail() {
            pieces.add(FAIL);
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (closed) {
                throw new IOException("closed");
            }
            if (current == END) {
                return -1;
            }
            if (position == current.length) {
                try {
                    current = pieces.take();
                } catch (InterruptedException e) {
                    throw new InterruptedIOException("interrupted");
                }
                position = 0;
                if (current == END) {
                    return -1;
                }
                if (current == FAIL) {
                    throw new IOException("broken pipe");
                }
            }
            int n = Math.min(len, current.length - position);
            System.arraycopy(current, position, b, off, n);
            position += n;
            return n;
        }

        @Override
        public int available() {
            return current.length - position;
        }

        @Override
        public void close() {
            closed = true;
        }
    }
}

package io.tickstorm.bench.load;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * Writes a synthetic tick recording in exactly the NDJSON shape {@code tick-storm-client --json} prints, for the
 * file-source benchmarks (bench/scenario.sh 7 and 8): {@code lines} REALTIME ticks over {@code symbols} symbols,
 * one millisecond apart, prices on a cent grid wandering around 100, from a fixed seed (the same file every run).
 * With a rate profile ({@code RATE:SECONDS,...}, e.g. {@code 10000:20,20000:20,10000:20} for a burst at twice the
 * rate in the middle), the ticks are spaced to those rates instead and LINES is ignored (bench/scenario.sh 11).
 *
 * <p>Usage: {@code java -cp tick-storm-bench.jar io.tickstorm.bench.load.RecordingWriter FILE LINES SYMBOLS [PROFILE]}
 */
public final class RecordingWriter {

    private static final long FIRST_TIMESTAMP_MS = 1_767_268_800_000L;

    private RecordingWriter() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 3 && args.length != 4) {
            System.err.println("usage: RecordingWriter FILE LINES SYMBOLS [RATE:SECONDS,...]");
            System.exit(2);
        }
        Path file = Path.of(args[0]);
        int symbols = Integer.parseInt(args[2]);
        long[] offsetsMs = args.length == 4 ? profileOffsetsMs(args[3]) : null;
        long lines = offsetsMs != null ? offsetsMs.length : Long.parseLong(args[1]);
        SplittableRandom random = new SplittableRandom(20261207L);
        long[] cents = new long[symbols];
        for (int s = 0; s < symbols; s++) {
            cents[s] = 5_000 + random.nextInt(20_000);
        }
        StringBuilder line = new StringBuilder(256);
        try (Writer out = new BufferedWriter(new OutputStreamWriter(Files.newOutputStream(file),
                StandardCharsets.UTF_8), 1 << 20)) {
            for (long i = 0; i < lines; i++) {
                int s = (int) (i % symbols);
                cents[s] = Math.max(100, cents[s] + random.nextInt(-3, 4));
                long spread = 1 + random.nextInt(3);
                line.setLength(0);
                line.append("{\"symbol\":\"S").append(s).append("\",\"timestamp_ms\":").append(FIRST_TIMESTAMP_MS + (offsetsMs != null ? offsetsMs[(int) i] : i))
                        .append(",\"price\":").append(cents[s] / 100.0)
                        .append(",\"volume\":").append(100.0 * (1 + random.nextInt(10)))
                        .append(",\"bid\":").append((cents[s] - spread) / 100.0)
                        .append(",\"ask\":").append((cents[s] + spread) / 100.0)
                        .append(",\"bid_size\":").append(100 * (1 + random.nextInt(50)))
                        .append(",\"ask_size\":").append(100 * (1 + random.nextInt(50)))
                        .append(",\"mode\":\"REALTIME\",\"batch_sequence\":").append(1 + i / 100)
                        .append(",\"is_snapshot\":false}\n");
                out.append(line);
            }
        }
    }

    /** The millisecond offset of every tick of a {@code RATE:SECONDS,...} profile, evenly spaced within each step. */
    static long[] profileOffsetsMs(String profile) {
        String[] steps = profile.split(",");
        long total = 0;
        for (String step : steps) {
            String[] parts = step.split(":");
            total += Long.parseLong(parts[0].trim()) * Long.parseLong(parts[1].trim());
        }
        long[] offsets = new long[Math.toIntExact(total)];
        int next = 0;
        long stepStartMs = 0;
        for (String step : steps) {
            String[] parts = step.split(":");
            long rate = Long.parseLong(parts[0].trim());
            long seconds = Long.parseLong(parts[1].trim());
            for (long k = 0; k < rate * seconds; k++) {
                offsets[next++] = stepStartMs + k * 1_000 / rate;
            }
            stepStartMs += seconds * 1_000;
        }
        return offsets;
    }
}

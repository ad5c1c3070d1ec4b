package io.tickstorm.bench.load;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.zip.DataFormatException;
import org.HdrHistogram.Histogram;

/** Latency histograms in microseconds: one range for every metric, and their compact transfer between processes. */
final class Histograms {

    /** Largest recordable latency: 10 minutes. Longer values are clamped (and are failures anyway). */
    static final long HIGHEST_MICROS = 600_000_000L;
    private static final int SIGNIFICANT_DIGITS = 3;

    private Histograms() {
    }

    static Histogram create() {
        return new Histogram(HIGHEST_MICROS, SIGNIFICANT_DIGITS);
    }

    static void record(Histogram histogram, long micros) {
        histogram.recordValue(clamp(micros));
    }

    /** Records with coordinated-omission correction for a stream expected every {@code intervalMicros} (0: none). */
    static void record(Histogram histogram, long micros, long intervalMicros) {
        if (intervalMicros > 0) {
            histogram.recordValueWithExpectedInterval(clamp(micros), intervalMicros);
        } else {
            histogram.recordValue(clamp(micros));
        }
    }

    private static long clamp(long micros) {
        return Math.max(0, Math.min(HIGHEST_MICROS, micros));
    }

    static String encode(Histogram histogram) {
        ByteBuffer buffer = ByteBuffer.allocate(histogram.getNeededByteBufferCapacity());
        int length = histogram.encodeIntoCompressedByteBuffer(buffer);
        return Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(buffer.array(), length));
    }

    static Histogram decode(String base64) {
        try {
            return Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(Base64.getDecoder().decode(base64)),
                    HIGHEST_MICROS);
        } catch (DataFormatException e) {
            throw new IllegalStateException("corrupt histogram from a worker", e);
        }
    }

    /** Percentiles in milliseconds, for the report. */
    static void summarize(ObjectNode out, Histogram h) {
        out.put("count", h.getTotalCount());
        out.put("p50_ms", h.getValueAtPercentile(50) / 1000.0);
        out.put("p90_ms", h.getValueAtPercentile(90) / 1000.0);
        out.put("p99_ms", h.getValueAtPercentile(99) / 1000.0);
        out.put("p999_ms", h.getValueAtPercentile(99.9) / 1000.0);
        out.put("max_ms", h.getMaxValue() / 1000.0);
        out.put("mean_ms", h.getTotalCount() == 0 ? 0 : h.getMean() / 1000.0);
    }
}

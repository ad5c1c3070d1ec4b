package io.tickstorm.server.fanout;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.tickstorm.protocol.FrameDescriptor;
import io.tickstorm.protocol.proto.SubscriptionMode;
import java.nio.charset.StandardCharsets;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * The server's batch encoding: a complete DATA_BATCH frame of {@code ticks} ticks written straight into a pooled
 * direct buffer by {@link BatchBuilder} (no message objects), with header, CRC-32C and release. Lives in the
 * server's package (split across jars on one class path) because {@code BatchBuilder} is package-private.
 * Compare {@code CodecBenchmark.encode} with {@code frame=batch100}: the same batch through protobuf-java.
 *
 * <p>The frame is about 7.4 KB for 100 ticks ({@link #frameBytes} is printed at setup); MB/s = bytes / ns * 1000.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class BatchEncodeBenchmark {

    @Param({"100"})
    public int ticks;

    private BatchBuilder builder;
    private byte[][] symbols;
    private long timestampMs;
    int frameBytes;

    @Setup(Level.Trial)
    public void setUp() {
        builder = new BatchBuilder(PooledByteBufAllocator.DEFAULT, FrameDescriptor.DEFAULT_MAX_PAYLOAD_BYTES,
                SubscriptionMode.REALTIME_VALUE);
        symbols = new byte[ticks][];
        for (int i = 0; i < ticks; i++) {
            symbols[i] = ("SYM" + i).getBytes(StandardCharsets.US_ASCII);
        }
        timestampMs = 1_764_576_000_000L;
        frameBytes = encode();
        System.out.println("frame bytes: " + frameBytes);
    }

    @Benchmark
    public int encode() {
        for (int i = 0; i < ticks; i++) {
            double price = 100 + i * 0.01;
            long ts = timestampMs + i;
            int size = builder.tickSize(symbols[i], ts, price, 300, price - 0.01, price + 0.01, 500, 700);
            if (!builder.fits(size)) {
                throw new IllegalStateException("batch of " + ticks + " ticks exceeds the payload limit");
            }
            builder.add(size, symbols[i], ts, price, 300, price - 0.01, price + 0.01, 500, 700, 0L);
        }
        ByteBuf frame = builder.finish(timestampMs, 42, false);
        int bytes = frame.readableBytes();
        frame.release();
        return bytes;
    }
}

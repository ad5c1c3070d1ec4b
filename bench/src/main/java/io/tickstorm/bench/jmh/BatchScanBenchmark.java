package io.tickstorm.bench.jmh;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.tickstorm.bench.load.DataBatchScanner;
import io.tickstorm.protocol.FrameType;
import io.tickstorm.protocol.codec.Payloads;
import io.tickstorm.protocol.proto.DataBatch;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The load generator's per-batch check: {@link DataBatchScanner} walking a 100-tick DATA_BATCH payload (what every
 * generator connection pays per batch), against a full protobuf-java parse of the same payload.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class BatchScanBenchmark {

    private ByteBuf payload;
    private final DataBatchScanner scanner = new DataBatchScanner();

    @Setup(Level.Trial)
    public void setUp() {
        byte[] bytes = CodecBenchmark.batchOf(100).toByteArray();
        payload = PooledByteBufAllocator.DEFAULT.directBuffer(bytes.length).writeBytes(bytes);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        payload.release();
    }

    @Benchmark
    public long scan() {
        scanner.scan(payload);
        return scanner.sequence() + scanner.tickCount();
    }

    @Benchmark
    public int protobufParse() {
        return ((DataBatch) Payloads.parse(FrameType.DATA_BATCH, payload)).getTicksCount();
    }
}

package io.tickstorm.bench.jmh;

import com.google.protobuf.MessageLite;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.tickstorm.protocol.Direction;
import io.tickstorm.protocol.FrameDescriptor;
import io.tickstorm.protocol.FrameType;
import io.tickstorm.protocol.codec.Crc32c;
import io.tickstorm.protocol.codec.Frame;
import io.tickstorm.protocol.codec.FrameDecoder;
import io.tickstorm.protocol.codec.FrameEncoder;
import io.tickstorm.protocol.codec.Payloads;
import io.tickstorm.protocol.proto.DataBatch;
import io.tickstorm.protocol.proto.HeartbeatRequest;
import io.tickstorm.protocol.proto.SubscriptionMode;
import io.tickstorm.protocol.proto.Tick;
import java.util.concurrent.ThreadLocalRandom;
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

/**
 * Frame codec costs: decoding and encoding a small control frame and a 100-tick DATA_BATCH, and CRC-32C over 64 KiB.
 *
 * <p>Decoding goes through a real {@link FrameDecoder} in an {@link EmbeddedChannel} (cumulation, validation, CRC,
 * slice) plus the protobuf parse, i.e. what a receiver pays per frame.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class CodecBenchmark {

    @Param({"heartbeat", "batch100"})
    public String frame;

    private MessageLite message;
    private FrameType type;
    private ByteBuf encoded;
    private ByteBuf crcInput;
    private EmbeddedChannel decoder;

    @Setup(Level.Trial)
    public void setUp() {
        if (frame.equals("heartbeat")) {
            message = HeartbeatRequest.newBuilder().setTimestampMs(System.currentTimeMillis()).setSequence(42).build();
            decoder = new EmbeddedChannel(new FrameDecoder(FrameDescriptor.DEFAULT_MAX_PAYLOAD_BYTES,
                    Direction.CLIENT_TO_SERVER));
        } else {
            message = batchOf(100);
            decoder = new EmbeddedChannel(new FrameDecoder(FrameDescriptor.DEFAULT_MAX_PAYLOAD_BYTES,
                    Direction.SERVER_TO_CLIENT));
        }
        type = FrameType.of(message);
        encoded = PooledByteBufAllocator.DEFAULT.directBuffer();
        FrameEncoder.writeFrame(encoded, type, message);
        byte[] random = new byte[64 * 1024];
        ThreadLocalRandom.current().nextBytes(random);
        crcInput = PooledByteBufAllocator.DEFAULT.directBuffer(random.length).writeBytes(random);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        encoded.release();
        crcInput.release();
        decoder.finishAndReleaseAll();
    }

    static DataBatch batchOf(int ticks) {
        DataBatch.Builder batch = DataBatch.newBuilder().setBatchSequence(1).setBatchTimestampMs(1_764_576_000_000L);
        for (int i = 0; i < ticks; i++) {
            batch.addTicks(Tick.newBuilder().setSymbol("SYM" + i).setTimestampMs(1_764_576_000_000L + i)
                    .setPrice(100 + i * 0.01).setVolume(300).setBid(99.99 + i * 0.01).setAsk(100.01 + i * 0.01)
                    .setBidSize(500).setAskSize(700).setMode(SubscriptionMode.REALTIME));
        }
        return batch.build();
    }

    /** Header + protobuf serialization + CRC into a pooled direct buffer. */
    @Benchmark
    public int encode() {
        ByteBuf out = PooledByteBufAllocator.DEFAULT.directBuffer(FrameDescriptor.frameLength(
                message.getSerializedSize()));
        FrameEncoder.writeFrame(out, type, message);
        int size = out.readableBytes();
        out.release();
        return size;
    }

    /** Frame validation (magic, version, length, CRC, type) and protobuf parse. */
    @Benchmark
    public MessageLite decode() {
        decoder.writeInbound(encoded.retainedDuplicate());
        Frame frame = decoder.readInbound();
        try {
            return Payloads.parse(frame);
        } finally {
            frame.release();
        }
    }

    /** CRC-32C over 64 KiB of direct memory (divide 65,536 bytes by the time for MB/s). */
    @Benchmark
    public int crc32c64KiB() {
        return Crc32c.compute(crcInput, 0, crcInput.readableBytes());
    }
}

package io.tickstorm.bench.jmh;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import io.tickstorm.protocol.FrameType;
import io.tickstorm.protocol.codec.FrameEncoder;
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
 * The fan-out write path: one encoded 100-tick DATA_BATCH to {@code channels} channels, as the server's
 * {@code Delivery} does it: a {@code retainedDuplicate()} per channel, {@code writeAndFlush} with the void promise,
 * the original released once. Each channel's pipeline ends in a sink that releases what it is given, standing in
 * for the socket write; the cost measured is the per-subscriber pipeline traversal and reference counting, not the
 * kernel's copy. Divide the time by {@code channels} for the per-subscriber cost.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class FanOutWriteBenchmark {

    @Param({"1000"})
    public int channels;

    private Channel[] subscribers;
    private ByteBuf batch;

    /** Releases every write, like a socket that has sent it. */
    @Sharable
    static final class SocketSink extends ChannelOutboundHandlerAdapter {
        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            ReferenceCountUtil.release(msg);
            promise.trySuccess();
        }
    }

    @Setup(Level.Trial)
    public void setUp() {
        SocketSink sink = new SocketSink();
        subscribers = new Channel[channels];
        for (int i = 0; i < channels; i++) {
            subscribers[i] = new EmbeddedChannel(sink);
        }
        batch = PooledByteBufAllocator.DEFAULT.directBuffer();
        FrameEncoder.writeFrame(batch, FrameType.DATA_BATCH, CodecBenchmark.batchOf(100));
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        batch.release();
        for (Channel ch : subscribers) {
            ch.close();
        }
    }

    @Benchmark
    public int writeToAll() {
        ByteBuf encoded = batch.retain();
        try {
            for (Channel ch : subscribers) {
                ch.writeAndFlush(encoded.retainedDuplicate(), ch.voidPromise());
            }
        } finally {
            encoded.release();
        }
        return encoded.refCnt();
    }
}

package io.tickstorm.protocol.codec;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.protobuf.MessageLite;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.tickstorm.protocol.Direction;
import io.tickstorm.protocol.FrameType;
import io.tickstorm.protocol.proto.AuthRequest;
import io.tickstorm.protocol.proto.HeartbeatRequest;
import io.tickstorm.protocol.proto.SubscribeRequest;
import io.tickstorm.protocol.proto.SubscriptionMode;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Random and mutated frames, fed in random fragments: the decoder yields only well-formed frames whose payloads
 * parse or fail with a {@link ProtocolException}, never anything else, and never allocates beyond one maximal frame
 * plus one read.
 */
class FrameDecoderFuzzTest {

    private static final int MAX_PAYLOAD = 4096;
    private static final int MAX_CHUNK = 512;
    private static final int ITERATIONS = 5_000;

    @Test
    void randomAndMutatedInputOnlyYieldsFramesOrProtocolErrors() {
        SplittableRandom random = new SplittableRandom(20261201);
        CountingAllocator allocator = new CountingAllocator();
        int frames = 0;
        int errors = 0;
        for (int i = 0; i < ITERATIONS; i++) {
            EmbeddedChannel channel = new EmbeddedChannel(new FrameDecoder(MAX_PAYLOAD, Direction.CLIENT_TO_SERVER));
            channel.config().setAllocator(allocator);
            ByteBuf input = input(random);
            try {
                while (input.isReadable()) {
                    int chunk = Math.min(input.readableBytes(), 1 + random.nextInt(MAX_CHUNK));
                    channel.writeInbound(input.readRetainedSlice(chunk));
                    frames += drain(channel);
                }
            } catch (ProtocolException expected) {
                errors++;
                assertNotNull(expected.code());
            } catch (RuntimeException unexpected) {
                fail("unexpected " + unexpected + " at iteration " + i, unexpected);
            } finally {
                input.release();
            }
            frames += drain(channel);
            channel.finishAndReleaseAll();
        }
        assertTrue(frames > 0 && errors > 0, "the fuzzer exercises both outcomes: " + frames + " / " + errors);
        assertTrue(allocator.largest <= MAX_PAYLOAD + 12 + 2 * MAX_CHUNK,
                "largest allocation " + allocator.largest + " stays within one maximal frame plus a read");
    }

    private static int drain(EmbeddedChannel channel) {
        int count = 0;
        for (Frame frame; (frame = channel.readInbound()) != null; count++) {
            try {
                MessageLite message = Payloads.parse(frame);
                assertNotNull(message);
            } catch (ProtocolException unparseable) {
                assertNotNull(unparseable.code());
            } finally {
                frame.release();
            }
        }
        return count;
    }

    private static ByteBuf input(SplittableRandom random) {
        CompositeByteBuf input = Unpooled.compositeBuffer();
        int frames = 1 + random.nextInt(4);
        for (int f = 0; f < frames; f++) {
            ByteBuf frame = switch (random.nextInt(4)) {
                case 0 -> validFrame(random);
                case 1 -> mutate(validFrame(random), random);
                case 2 -> garbage(random);
                default -> randomPayloadFrame(random);
            };
            input.addComponent(true, frame);
        }
        return input;
    }

    private static ByteBuf validFrame(SplittableRandom random) {
        MessageLite message = switch (random.nextInt(3)) {
            case 0 -> AuthRequest.newBuilder().setUsername("u" + random.nextInt()).setPassword("p").build();
            case 1 -> SubscribeRequest.newBuilder().setMode(SubscriptionMode.forNumber(random.nextInt(4)))
                    .addSymbols("AAPL").setStartTimeMs(random.nextLong()).build();
            default -> HeartbeatRequest.newBuilder().setSequence(random.nextLong()).build();
        };
        ByteBuf buf = Unpooled.buffer();
        FrameEncoder.writeFrame(buf, FrameType.of(message), message);
        return buf;
    }

    private static ByteBuf randomPayloadFrame(SplittableRandom random) {
        byte[] payload = new byte[random.nextInt(MAX_PAYLOAD + 1)];
        random.nextBytes(payload);
        ByteBuf buf = Unpooled.buffer();
        FrameEncoder.writeHeader(buf, FrameType.fromCode(1 + random.nextInt(3)), payload.length);
        buf.writeBytes(payload);
        FrameEncoder.writeCrc(buf, 0);
        return buf;
    }

    private static ByteBuf mutate(ByteBuf frame, SplittableRandom random) {
        int flips = 1 + random.nextInt(3);
        for (int i = 0; i < flips; i++) {
            int index = random.nextInt(frame.writerIndex());
            frame.setByte(index, frame.getByte(index) ^ (1 << random.nextInt(8)));
        }
        if (random.nextInt(4) == 0) {
            frame.writerIndex(random.nextInt(frame.writerIndex() + 1));
        }
        return frame;
    }

    private static ByteBuf garbage(SplittableRandom random) {
        byte[] bytes = new byte[1 + random.nextInt(64)];
        random.nextBytes(bytes);
        if (random.nextBoolean()) {
            bytes[0] = (byte) 0xF5;
            if (bytes.length > 1) {
                bytes[1] = 0x7D;
            }
            if (bytes.length > 2) {
                bytes[2] = 0x01;
            }
        }
        return Unpooled.wrappedBuffer(bytes);
    }

    /** Records the largest buffer the decoder's cumulator asks for. */
    private static final class CountingAllocator extends AbstractByteBufAllocator {
        private int largest;

        CountingAllocator() {
            super(false);
        }

        @Override
        protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
            largest = Math.max(largest, initialCapacity);
            return Unpooled.buffer(initialCapacity, maxCapacity);
        }

        @Override
        protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
            largest = Math.max(largest, initialCapacity);
            return Unpooled.directBuffer(initialCapacity, maxCapacity);
        }

        @Override
        public boolean isDirectBufferPooled() {
            return false;
        }
    }
}

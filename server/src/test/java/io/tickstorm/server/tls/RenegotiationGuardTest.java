package io.tickstorm.server.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.concurrent.ImmediateEventExecutor;
import io.netty.util.concurrent.Promise;
import org.junit.jupiter.api.Test;

class RenegotiationGuardTest {

    private static final int HANDSHAKE = 22;
    private static final int APPLICATION_DATA = 23;

    private final Promise<Object> handshake = ImmediateEventExecutor.INSTANCE.newPromise();
    private final EmbeddedChannel channel = new EmbeddedChannel(new RenegotiationGuard(handshake));

    @Test
    void passesTheFirstHandshakeUntouched() {
        ByteBuf hello = record(HANDSHAKE, 300);
        channel.writeInbound(hello.retainedDuplicate());

        ByteBuf passed = channel.readInbound();
        assertEquals(hello, passed);
        passed.release();
        hello.release();
        assertTrue(channel.isOpen());
        assertFalse(channel.finish());
    }

    @Test
    void passesApplicationDataSplitAnywhereAfterTheHandshake() {
        handshake.setSuccess(null);
        ByteBuf stream = Unpooled.wrappedBuffer(record(APPLICATION_DATA, 40), record(APPLICATION_DATA, 3),
                record(APPLICATION_DATA, 0));
        int total = stream.readableBytes();
        for (int offset = 0; offset < total; offset++) {
            channel.writeInbound(stream.retainedSlice(offset, 1));
            ByteBuf passed = channel.readInbound();
            assertEquals(1, passed.readableBytes());
            passed.release();
        }
        stream.release();
        assertTrue(channel.isOpen());
        assertFalse(channel.finish());
    }

    @Test
    void closesOnAHandshakeRecordAfterTheHandshakeEvenWithItsHeaderSplit() {
        ByteBuf hello = record(HANDSHAKE, 200);
        ByteBuf finished = record(HANDSHAKE, 40);
        channel.writeInbound(hello, finished);
        releaseInbound();
        handshake.setSuccess(null);
        ByteBuf data = record(APPLICATION_DATA, 100);
        ByteBuf renegotiation = record(HANDSHAKE, 120);
        channel.writeInbound(Unpooled.wrappedBuffer(data, renegotiation.readRetainedSlice(3)));
        releaseInbound();
        assertTrue(channel.isOpen(), "the header is not complete yet");

        ByteBuf rest = renegotiation;
        channel.writeInbound(rest);

        assertNull(channel.readInbound(), "the renegotiation never reaches the SSL handler");
        assertEquals(0, rest.refCnt(), "released");
        assertFalse(channel.isOpen());
    }

    private void releaseInbound() {
        for (ByteBuf passed; (passed = channel.readInbound()) != null; ) {
            passed.release();
        }
    }

    private static ByteBuf record(int type, int length) {
        ByteBuf record = Unpooled.buffer(5 + length);
        record.writeByte(type).writeShort(0x0303).writeShort(length).writeZero(length);
        return record;
    }
}

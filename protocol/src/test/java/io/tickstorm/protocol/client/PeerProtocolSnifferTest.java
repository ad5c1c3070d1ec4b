package io.tickstorm.protocol.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

class PeerProtocolSnifferTest {

    private static TickClientException mismatch(boolean tls, int... bytes) {
        EmbeddedChannel channel = new EmbeddedChannel(new PeerProtocolSniffer(tls));
        byte[] data = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            data[i] = (byte) bytes[i];
        }
        ByteBuf buffer = Unpooled.wrappedBuffer(data);
        TickClientException failure = assertThrows(TickClientException.class, () -> channel.writeInbound(buffer));
        assertEquals(0, buffer.refCnt(), "the bytes are released");
        assertNull(channel.pipeline().get(PeerProtocolSniffer.class), "it removes itself");
        return failure;
    }

    @Test
    void tlsClientSeeingTheFrameMagicSaysTheServerSpeaksPlainTcp() {
        TickClientException failure = mismatch(true, 0xF5, 0x7D, 0x01, 0x05);
        assertSame(TickClientException.Kind.SERVER_SPEAKS_PLAIN, failure.kind());
        assertTrue(failure.getMessage().startsWith("the server speaks plain TCP"), failure.getMessage());
    }

    @Test
    void plainClientSeeingATlsAlertOrHandshakeSaysTheServerSpeaksTls() {
        assertSame(TickClientException.Kind.SERVER_SPEAKS_TLS, mismatch(false, 0x15, 0x03, 0x03, 0x00, 0x02).kind());
        TickClientException handshake = mismatch(false, 0x16, 0x03, 0x01);
        assertEquals("the server speaks TLS, not plain TCP (it answered with a TLS record, 16 03): turn TLS on",
                handshake.getMessage());
    }

    @Test
    void matchingBytesPassThroughAndTheSnifferLeaves() {
        EmbeddedChannel channel = new EmbeddedChannel(new PeerProtocolSniffer(false));
        ByteBuf frame = Unpooled.wrappedBuffer(new byte[] {(byte) 0xF5, 0x7D, 0x01});
        assertTrue(channel.writeInbound(frame));
        assertSame(frame, channel.readInbound());
        assertNull(channel.pipeline().get(PeerProtocolSniffer.class));
        frame.release();
        channel.finishAndReleaseAll();
    }
}

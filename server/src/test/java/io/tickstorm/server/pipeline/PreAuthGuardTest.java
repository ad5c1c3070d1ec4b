package io.tickstorm.server.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.prometheus.client.CollectorRegistry;
import io.tickstorm.protocol.Direction;
import io.tickstorm.protocol.FrameDescriptor;
import io.tickstorm.protocol.FrameType;
import io.tickstorm.protocol.codec.Frame;
import io.tickstorm.protocol.codec.FrameDecoder;
import io.tickstorm.protocol.codec.FrameEncoder;
import io.tickstorm.protocol.codec.OutboundMessage;
import io.tickstorm.protocol.codec.ProtocolException;
import io.tickstorm.protocol.proto.ErrorCode;
import io.tickstorm.protocol.proto.ErrorResponse;
import io.tickstorm.server.admission.AdmissionConfig;
import io.tickstorm.server.admission.AdmissionControl;
import io.tickstorm.server.admission.AdmissionGate;
import io.tickstorm.server.admission.RefusalListener;
import io.tickstorm.server.admission.RefusalResponder;
import io.tickstorm.server.connection.ErrorResponder;
import io.tickstorm.server.metrics.ServerMetrics;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The pre-auth guard with the real frame decoder on an {@link EmbeddedChannel}; a stand-in for the auth handler fires
 * the {@link AuthEvent}s as {@link AuthHandler} does. An {@code EmbeddedChannel} delivers whatever a test writes, so
 * "the server reads nothing" is checked where it is decided: autoRead is off and no read request reaches the
 * transport.
 */
class PreAuthGuardTest {

    private static final int PRE_AUTH_MAX = 4096;
    private static final int MAX = FrameDescriptor.DEFAULT_MAX_PAYLOAD_BYTES;

    private final ServerMetrics metrics = new ServerMetrics(new CollectorRegistry(true));
    private final ErrorResponder responder = new ErrorResponder(metrics);
    private final AdmissionControl admission = new AdmissionControl(AdmissionConfig.OPEN, 100, AdmissionGate.OPEN,
            RefusalResponder.CLOSE, RefusalListener.NONE);

    /** Counts the read requests that get past everything to the transport. */
    private static final class ReadRequests extends ChannelOutboundHandlerAdapter {
        int count;

        @Override
        public void read(ChannelHandlerContext ctx) {
            count++;
            ctx.read();
        }
    }

    /** Plays the auth handler: VERIFYING on the AUTH frame; keeps every frame it gets, as the session would. */
    private static final class FakeAuth extends ChannelInboundHandlerAdapter {
        final List<Frame> frames = new ArrayList<>();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            Frame frame = (Frame) msg;
            frames.add(frame);
            if (frame.type() == FrameType.AUTH) {
                ctx.pipeline().fireUserEventTriggered(AuthEvent.VERIFYING);
            }
        }

        List<FrameType> types() {
            return frames.stream().map(Frame::type).toList();
        }

        void release() {
            frames.forEach(Frame::release);
        }
    }

    private final ReadRequests reads = new ReadRequests();
    private final FakeAuth auth = new FakeAuth();
    private FrameDecoder decoder;
    private PreAuthGuard guard;

    private EmbeddedChannel channel(PreAuthBudget budget) {
        decoder = new FrameDecoder(PRE_AUTH_MAX, Direction.CLIENT_TO_SERVER);
        guard = new PreAuthGuard(decoder, MAX, budget, admission, responder, metrics);
        return new EmbeddedChannel(reads, admission.handler(), guard, decoder, auth);
    }

    private EmbeddedChannel channel() {
        return channel(new PreAuthBudget(1L << 30));
    }

    private static ByteBuf frame(FrameType type, int payloadLength) {
        ByteBuf buf = Unpooled.buffer(FrameDescriptor.frameLength(payloadLength));
        FrameEncoder.writeHeader(buf, type, payloadLength);
        buf.writeZero(payloadLength);
        FrameEncoder.writeCrc(buf, 0);
        return buf;
    }

    @Test
    void nothingIsDecodedOrReadBehindAPendingAuthAndEverythingFollowsInOrderOnceAuthenticated() {
        EmbeddedChannel ch = channel();
        ch.writeInbound(Unpooled.wrappedBuffer(frame(FrameType.AUTH, 40), frame(FrameType.SUBSCRIBE, 10),
                frame(FrameType.HEARTBEAT, 0)));
        assertEquals(List.of(FrameType.AUTH), auth.types(), "frames behind the AUTH wait");
        assertFalse(ch.config().isAutoRead(), "the transport's read loop stops after this read");
        int readsWhileVerifying = reads.count;
        ch.read();
        ch.writeInbound(Unpooled.EMPTY_BUFFER);
        assertEquals(readsWhileVerifying, reads.count, "no read request reaches the socket while verifying");

        ch.pipeline().fireUserEventTriggered(AuthEvent.AUTHENTICATED);
        assertEquals(List.of(FrameType.AUTH, FrameType.SUBSCRIBE, FrameType.HEARTBEAT), auth.types());
        assertTrue(ch.config().isAutoRead());
        assertTrue(reads.count > readsWhileVerifying, "reading resumes");
        assertTrue(ch.pipeline().get(PreAuthGuard.class) == null, "the guard leaves once authenticated");
        auth.release();
        assertFalse(ch.finish());
    }

    @Test
    void authFollowedBySixteenMaximalFramesHoldsOnlyTheReadThatCarriedIt() {
        EmbeddedChannel ch = channel();
        ByteBuf pipelined = Unpooled.buffer();
        for (int i = 0; i < 16; i++) {
            pipelined.writeBytes(frame(FrameType.HEARTBEAT, MAX));
        }
        // The transport's first read: the AUTH and the start of what the client pipelined behind it.
        int firstRead = 2048;
        ByteBuf authFrame = frame(FrameType.AUTH, 40);
        int authBytes = authFrame.readableBytes();
        ch.writeInbound(Unpooled.wrappedBuffer(authFrame, pipelined.readRetainedSlice(firstRead - authBytes)));

        assertEquals(List.of(FrameType.AUTH), auth.types());
        assertFalse(ch.config().isAutoRead());
        assertEquals(firstRead - authBytes, decoder.bufferedBytes(), "held: the rest of that one read");
        assertEquals(firstRead, guard.chargedBytes());
        int readsWhileVerifying = reads.count;
        ch.read();
        assertEquals(readsWhileVerifying, reads.count, "the other 16 x 64 KiB stay in the socket");

        ch.pipeline().fireUserEventTriggered(AuthEvent.AUTHENTICATED);
        ch.writeInbound(pipelined);
        assertEquals(17, auth.frames.size(), "once authenticated the normal maximum applies to them");
        assertEquals(MAX, auth.frames.get(16).content().readableBytes());
        auth.release();
        assertFalse(ch.finish());
    }

    @Test
    void frameLargerThanThePreAuthMaximumIsRefusedFromItsHeader() {
        EmbeddedChannel ch = channel();
        ByteBuf header = Unpooled.buffer();
        FrameEncoder.writeHeader(header, FrameType.AUTH, PRE_AUTH_MAX + 1);
        ProtocolException e = assertThrows(ProtocolException.class, () -> ch.writeInbound(header));
        assertEquals(ErrorCode.MESSAGE_TOO_LARGE, e.code());
        assertEquals(0, decoder.bufferedBytes());
        assertTrue(auth.frames.isEmpty());
        assertFalse(ch.finish());
    }

    @Test
    void everyByteIsChargedUntilAuthenticated() {
        PreAuthBudget budget = new PreAuthBudget(1L << 20);
        EmbeddedChannel ch = channel(budget);
        ByteBuf authFrame = frame(FrameType.AUTH, 100);
        int bytes = authFrame.readableBytes();
        ch.writeInbound(authFrame.readRetainedSlice(30));
        assertEquals(30, budget.usedBytes(), "a partial frame is held and charged");
        ch.writeInbound(authFrame);
        assertEquals(bytes, budget.usedBytes());

        ch.pipeline().fireUserEventTriggered(AuthEvent.AUTHENTICATED);
        assertEquals(0, budget.usedBytes());
        ch.writeInbound(frame(FrameType.HEARTBEAT, 10));
        assertEquals(0, budget.usedBytes(), "authenticated connections are never charged");
        auth.release();
        assertFalse(ch.finish());
    }

    @Test
    void chargeIsReleasedWhenAnUnauthenticatedConnectionCloses() {
        PreAuthBudget budget = new PreAuthBudget(1L << 20);
        EmbeddedChannel ch = channel(budget);
        ByteBuf authFrame = frame(FrameType.AUTH, 3000);
        ch.writeInbound(authFrame.readRetainedSlice(2000));
        authFrame.release();
        assertEquals(2000, budget.usedBytes());
        ch.close();
        assertEquals(0, budget.usedBytes());
        assertFalse(ch.finish());
    }

    @Test
    void aReadThatWouldExceedTheBudgetIsDroppedAndItsConnectionClosedWithServerOverloaded() {
        PreAuthBudget budget = new PreAuthBudget(1000);
        assertTrue(budget.tryCharge(900), "others hold most of it");
        EmbeddedChannel ch = channel(budget);
        ByteBuf read = frame(FrameType.AUTH, 200);
        ch.writeInbound(read);

        assertEquals(0, read.refCnt(), "the refused read is released");
        assertTrue(auth.frames.isEmpty(), "and never decoded");
        assertEquals(900, budget.usedBytes());
        OutboundMessage error = ch.readOutbound();
        assertEquals(FrameType.ERROR, error.type());
        assertEquals(ErrorCode.SERVER_OVERLOADED, ((ErrorResponse) error.body()).getCode());
        assertFalse(ch.isOpen());
        assertEquals(1.0, metrics.registry().getSampleValue("tick_storm_pre_auth_budget_refusals_total"));
        assertFalse(ch.finish());
    }

    @Test
    void authenticationFreesTheUnauthenticatedSlotButNotTheConnection() {
        EmbeddedChannel ch = channel();
        assertEquals(1, admission.unauthenticatedConnections());
        ch.writeInbound(frame(FrameType.AUTH, 10));
        assertEquals(1, admission.unauthenticatedConnections(), "still unauthenticated while verifying");
        ch.pipeline().fireUserEventTriggered(AuthEvent.AUTHENTICATED);
        assertEquals(0, admission.unauthenticatedConnections());
        assertEquals(1, admission.activeConnections());
        ch.close();
        assertEquals(0, admission.unauthenticatedConnections(), "not freed twice");
        assertEquals(0, admission.activeConnections());
        auth.release();
        assertFalse(ch.finish());
    }
}

package io.tickstorm.protocol.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.MessageLite;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.tickstorm.protocol.FrameType;
import io.tickstorm.protocol.codec.Frame;
import io.tickstorm.protocol.codec.OutboundMessage;
import io.tickstorm.protocol.proto.AckResponse;
import io.tickstorm.protocol.proto.AuthRequest;
import io.tickstorm.protocol.proto.DataBatch;
import io.tickstorm.protocol.proto.ErrorCode;
import io.tickstorm.protocol.proto.ErrorResponse;
import io.tickstorm.protocol.proto.HeartbeatRequest;
import io.tickstorm.protocol.proto.MessageType;
import io.tickstorm.protocol.proto.SubscribeRequest;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ClientSessionHandlerTest {

    private static final Duration HEARTBEAT_INTERVAL = Duration.ofSeconds(15);
    private static final Duration RESPONSE_TIMEOUT = Duration.ofSeconds(10);

    private final RecordingListener listener = new RecordingListener();
    private final ClientSessionHandler session = new ClientSessionHandler(TickClientOptions.builder()
            .heartbeatInterval(HEARTBEAT_INTERVAL)
            .responseTimeout(RESPONSE_TIMEOUT)
            .build(), listener);
    private final EmbeddedChannel channel = newChannel();

    private EmbeddedChannel newChannel() {
        EmbeddedChannel ch = new EmbeddedChannel(session);
        ch.freezeTime();
        return ch;
    }

    private static Frame frame(MessageLite message) {
        return new Frame(FrameType.of(message), Unpooled.wrappedBuffer(message.toByteArray()));
    }

    private static AckResponse ack(MessageType type) {
        return AckResponse.newBuilder().setAckType(type).setSuccess(true).build();
    }

    private static ErrorResponse error(ErrorCode code) {
        return ErrorResponse.newBuilder().setCode(code).setMessage(code.name().toLowerCase()).build();
    }

    private CompletableFuture<AckResponse> request(MessageLite message, MessageType ackType) {
        CompletableFuture<AckResponse> result = new CompletableFuture<>();
        session.request(OutboundMessage.of(message), ackType, result);
        OutboundMessage sent = channel.readOutbound();
        assertSame(message, sent.body());
        return result;
    }

    private void advance(Duration duration) {
        channel.advanceTimeBy(duration.toNanos(), TimeUnit.NANOSECONDS);
        channel.runScheduledPendingTasks();
    }

    @Test
    void ackCompletesAuthenticationAndStartsHeartbeatsAtTheInterval() {
        advance(HEARTBEAT_INTERVAL.multipliedBy(2));
        assertNull(channel.readOutbound(), "no heartbeat before authentication");

        CompletableFuture<AckResponse> auth = request(AuthRequest.getDefaultInstance(), MessageType.AUTH);
        channel.writeInbound(frame(ack(MessageType.AUTH)));
        assertEquals(MessageType.AUTH, auth.join().getAckType());

        for (long sequence = 1; sequence <= 3; sequence++) {
            assertNull(channel.readOutbound(), "nothing before the interval has passed");
            advance(HEARTBEAT_INTERVAL);
            OutboundMessage heartbeat = channel.readOutbound();
            assertEquals(FrameType.HEARTBEAT, heartbeat.type());
            assertEquals(sequence, ((HeartbeatRequest) heartbeat.body()).getSequence());
        }
        assertFalse(channel.finish());
    }

    @Test
    void errorFailsTheOutstandingRequestWithTheServersCode() {
        CompletableFuture<AckResponse> subscribe = request(SubscribeRequest.getDefaultInstance(),
                MessageType.SUBSCRIBE);
        channel.writeInbound(frame(error(ErrorCode.INVALID_SUBSCRIPTION)));
        CompletionException failure = assertThrows(CompletionException.class,
                subscribe::join);
        assertEquals(ErrorCode.INVALID_SUBSCRIPTION,
                assertInstanceOf(TickClientException.class, failure.getCause()).code());
        assertEquals(ErrorCode.INVALID_SUBSCRIPTION, listener.errors.poll().getCode());
        assertTrue(channel.isActive(), "INVALID_SUBSCRIPTION leaves the connection open");

        session.requestClose();
        channel.close();
        assertEquals(Optional.empty(), listener.closed.join(), "a refusal that keeps the session is no close cause");
    }

    @Test
    void sessionEndingErrorBecomesTheCloseCause() {
        channel.writeInbound(frame(error(ErrorCode.HEARTBEAT_TIMEOUT)));
        channel.close();
        Throwable cause = listener.closed.join().orElseThrow();
        assertEquals(ErrorCode.HEARTBEAT_TIMEOUT, assertInstanceOf(TickClientException.class, cause).code());
    }

    @Test
    void closeWithoutErrorIsReportedAsClosedByTheServer() {
        CompletableFuture<AckResponse> auth = request(AuthRequest.getDefaultInstance(), MessageType.AUTH);
        channel.close();
        Throwable cause = listener.closed.join().orElseThrow();
        assertEquals("connection closed by the server", cause.getMessage());
        assertTrue(auth.isCompletedExceptionally(), "an unanswered request fails on close");
    }

    @Test
    void unansweredRequestTimesOutAndClosesTheConnection() {
        CompletableFuture<AckResponse> auth = request(AuthRequest.getDefaultInstance(), MessageType.AUTH);
        advance(RESPONSE_TIMEOUT);
        assertFalse(channel.isOpen());
        CompletionException failure = assertThrows(CompletionException.class,
                auth::join);
        assertTrue(failure.getCause().getMessage().startsWith("no answer to AUTH"), failure.getCause().getMessage());
    }

    @Test
    void reportsAGapBeforeDeliveringTheBatch() {
        channel.writeInbound(frame(DataBatch.newBuilder().setBatchSequence(5).setIsSnapshot(true).build()));
        channel.writeInbound(frame(DataBatch.newBuilder().setBatchSequence(6).build()));
        channel.writeInbound(frame(DataBatch.newBuilder().setBatchSequence(6).build()));
        assertEquals(3, listener.batches.size());
        assertArrayEquals(new long[] {7, 6}, listener.gaps.poll(), "a duplicate is a gap");
        assertNull(listener.gaps.poll());
        assertFalse(channel.finish());
    }

    @Test
    void unsolicitedAckClosesTheConnection() {
        channel.writeInbound(frame(ack(MessageType.SUBSCRIBE)));
        assertFalse(channel.isOpen());
        Throwable cause = listener.closed.join().orElseThrow();
        assertTrue(cause.getMessage().contains("unsolicited ACK"), cause.getMessage());
    }
}

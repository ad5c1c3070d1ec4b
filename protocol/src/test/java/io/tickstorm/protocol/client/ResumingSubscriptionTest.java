package io.tickstorm.protocol.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tickstorm.protocol.proto.AuthRequest;
import io.tickstorm.protocol.proto.DataBatch;
import io.tickstorm.protocol.proto.ErrorCode;
import io.tickstorm.protocol.proto.SubscribeRequest;
import io.tickstorm.protocol.proto.SubscriptionMode;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link ResumingSubscription} against the scripted {@link FakeTickServer}; the real server's restart is an IT. */
class ResumingSubscriptionTest {

    private static final ReconnectPolicy FAST = new ReconnectPolicy(true, Duration.ofMillis(10),
            Duration.ofMillis(50), ReconnectPolicy.DEFAULT_SILENCE_TIMEOUT);

    private final FakeTickServer server = new FakeTickServer();
    private final Events events = new Events();

    /** Every callback as a line, in order. */
    private static final class Events implements ResumeListener {
        final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

        @Override
        public void onBatch(DataBatch batch) {
            lines.add("batch " + batch.getBatchSequence());
        }

        @Override
        public void onGap(long expected, long actual) {
            lines.add("gap " + expected + " " + actual);
        }

        @Override
        public void onSubscribed(ServerAddress address, long startTimeMs, boolean resumed) {
            lines.add("subscribed " + address.port() + " " + startTimeMs + " " + resumed);
        }

        @Override
        public void onDisconnected(ServerAddress address, boolean subscribed, Throwable cause) {
            lines.add("disconnected " + subscribed + " " + cause.getMessage());
        }

        @Override
        public void onResumeImpossible(String reason) {
            lines.add("impossible " + reason);
        }

        /** The next line starting with {@code prefix}, skipping others; bounded wait. */
        String next(String prefix) throws InterruptedException {
            long deadlineNanos = System.nanoTime() + TimeUnit.SECONDS.toNanos(RecordingListener.WAIT_SECONDS);
            for (long left; (left = deadlineNanos - System.nanoTime()) > 0; ) {
                String line = lines.poll(left, TimeUnit.NANOSECONDS);
                if (line != null && line.startsWith(prefix)) {
                    return line;
                }
            }
            throw new AssertionError("no '" + prefix + "' event");
        }
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    private static TickClientOptions options(String password) {
        return TickClientOptions.builder().tls(false).credentials(FakeTickServer.USER, password).build();
    }

    private ServerAddress fake() {
        return new ServerAddress("127.0.0.1", server.port());
    }

    private static ServerAddress unreachable() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return new ServerAddress("127.0.0.1", socket.getLocalPort());
        }
    }

    @Test
    void withoutReconnectTheInitialConnectionMovesOnToTheNextAddress() throws Exception {
        try (ResumingSubscription stream = new ResumingSubscription(options(FakeTickServer.PASSWORD),
                List.of(unreachable(), fake()), Subscription.of(SubscriptionMode.SECOND, List.of()),
                ReconnectPolicy.NEVER, events)) {
            stream.start();
            assertTrue(events.next("disconnected false connect to 127.0.0.1:").contains("failed"));
            assertEquals("subscribed " + server.port() + " 0 false", events.next("subscribed"));
            assertEquals("batch 1000", events.next("batch"));
            assertFalse(stream.terminated().isDone());
        }
    }

    @Test
    void withoutReconnectServerShutdownEndsTheSubscriptionWithItsCode() throws Exception {
        server.endWith(ErrorCode.SERVER_SHUTTING_DOWN);
        try (ResumingSubscription stream = new ResumingSubscription(options(FakeTickServer.PASSWORD),
                List.of(fake()), Subscription.of(SubscriptionMode.SECOND, List.of()), ReconnectPolicy.NEVER,
                events)) {
            stream.start();
            CompletionException end = org.junit.jupiter.api.Assertions.assertThrows(CompletionException.class,
                    () -> stream.terminated().join());
            assertEquals(ErrorCode.SERVER_SHUTTING_DOWN,
                    assertInstanceOf(TickClientException.class, end.getCause()).code());
        }
    }

    @Test
    void wrongCredentialsAreFinalEvenWithReconnect() throws Exception {
        try (ResumingSubscription stream = new ResumingSubscription(options("wrong"), List.of(fake()),
                Subscription.of(SubscriptionMode.SECOND, List.of()), FAST, events)) {
            stream.start();
            CompletionException end = org.junit.jupiter.api.Assertions.assertThrows(CompletionException.class,
                    () -> stream.terminated().join());
            assertEquals(ErrorCode.INVALID_AUTH, assertInstanceOf(TickClientException.class, end.getCause()).code());
            server.next(AuthRequest.class);
            assertEquals(0, server.received.stream().filter(AuthRequest.class::isInstance).count(), "no retry");
        }
    }

    @Test
    void resumesSecondFromTheLastTimestampPlusOneAndChecksTheSequenceAcrossTheReconnect() throws Exception {
        // The scripted server starts every connection again at its snapshot, 1000: a step back the client reports.
        server.endWith(ErrorCode.SERVER_SHUTTING_DOWN);
        try (ResumingSubscription stream = new ResumingSubscription(options(FakeTickServer.PASSWORD),
                List.of(fake()), Subscription.of(SubscriptionMode.SECOND, List.of("AAPL")), FAST, events)) {
            stream.start();
            assertEquals("subscribed " + server.port() + " 0 false", events.next("subscribed"));
            assertEquals(0, server.next(SubscribeRequest.class).getStartTimeMs());
            assertTrue(events.next("disconnected true").contains("SERVER_SHUTTING_DOWN"));
            assertEquals("subscribed " + server.port() + " 1002001 true", events.next("subscribed"));
            assertEquals(1_002_001, server.next(SubscribeRequest.class).getStartTimeMs(), "last timestamp + 1");
            assertEquals("gap 1003 1000", events.next("gap"));
            assertTrue(stream.gaps() >= 1);
        }
    }

    @Test
    void realtimeResubscribesAfreshAndSaysItCannotResumeLosslessly() throws Exception {
        server.endWith(ErrorCode.SERVER_SHUTTING_DOWN);
        try (ResumingSubscription stream = new ResumingSubscription(options(FakeTickServer.PASSWORD),
                List.of(fake()), Subscription.of(SubscriptionMode.REALTIME, List.of()), FAST, events)) {
            stream.start();
            events.next("disconnected true");
            assertTrue(events.next("impossible ").startsWith("impossible REALTIME keeps no history"));
            assertEquals("subscribed " + server.port() + " 0 false", events.next("subscribed"));
            assertEquals(0, server.next(SubscribeRequest.class).getStartTimeMs());
            assertEquals(0, server.next(SubscribeRequest.class).getStartTimeMs());
            assertEquals(0, stream.gaps(), "REALTIME sequences restart per stream: no check across connections");
        }
    }

    @Test
    void aSilentConnectionIsPresumedDeadAndReplaced() throws Exception {
        // No automatic heartbeat within the test, so after its batches the scripted server sends nothing more.
        TickClientOptions quiet = options(FakeTickServer.PASSWORD).toBuilder().heartbeatInterval(Duration.ofHours(1))
                .build();
        ReconnectPolicy impatient = new ReconnectPolicy(true, Duration.ofMillis(10), Duration.ofMillis(50),
                Duration.ofMillis(300));
        try (ResumingSubscription stream = new ResumingSubscription(quiet, List.of(fake()),
                Subscription.of(SubscriptionMode.MINUTE, List.of()), impatient, events)) {
            stream.start();
            events.next("subscribed");
            String lost = events.next("disconnected true");
            assertTrue(lost.contains("presumed dead"), lost);
            assertNotNull(events.next("subscribed " + server.port() + " "));
        }
    }
}

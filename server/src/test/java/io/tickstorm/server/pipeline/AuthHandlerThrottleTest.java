package io.tickstorm.server.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.fail;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.prometheus.client.CollectorRegistry;
import io.tickstorm.protocol.FrameType;
import io.tickstorm.protocol.codec.Frame;
import io.tickstorm.protocol.codec.OutboundMessage;
import io.tickstorm.protocol.proto.AuthRequest;
import io.tickstorm.protocol.proto.ErrorCode;
import io.tickstorm.protocol.proto.ErrorResponse;
import io.tickstorm.server.admission.PeerChannel;
import io.tickstorm.server.auth.AuthConfig;
import io.tickstorm.server.auth.Authenticator;
import io.tickstorm.server.connection.ErrorResponder;
import io.tickstorm.server.metrics.ServerMetrics;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The AUTH handler hands the authenticator the peer's address, so the login throttle groups IPv6 peers by /64
 * (issue 12 item 11), and an ERROR 12 carries the seconds left in the block (PROTOCOL.md §5.1).
 */
class AuthHandlerThrottleTest {

    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    private final ServerMetrics metrics = new ServerMetrics(new CollectorRegistry(true));
    private final ErrorResponder responder = new ErrorResponder(metrics);
    private final Authenticator authenticator = new Authenticator(new AuthConfig(10 * SECOND, Optional.empty(),
            "alice", "wonderland", 2, 1000, 0, 60 * SECOND, 300 * SECOND, 0, 0, 1, 16));

    @AfterEach
    void closeAuthenticator() {
        authenticator.close();
    }

    @Test
    void ipv6PeersOfOneSlash64ShareTheFailedLoginBudget() {
        assertEquals(ErrorCode.INVALID_AUTH, login("2001:db8:1:2::1", "guess1").getCode());
        assertEquals(ErrorCode.INVALID_AUTH, login("2001:db8:1:2:ffff::9", "guess2").getCode());

        ErrorResponse blocked = login("2001:db8:1:2::77", "wonderland");
        assertEquals(ErrorCode.RATE_LIMITED, blocked.getCode());
        assertEquals("300", blocked.getDetails(), "seconds left in the block");
        assertNull(login("2001:db8:1:3::1", "wonderland"), "another /64 logs in");
    }

    /** The ERROR the handler answers, or null after an ACK. */
    private ErrorResponse login(String peer, String password) {
        EmbeddedChannel channel = PeerChannel.connect(peer, new AuthHandler(authenticator, Duration.ofSeconds(10),
                responder, metrics, Map.of(), "session", () -> new SessionHandler(new HeartbeatSweeps(Duration.ofSeconds(20)), responder,
                        metrics, null)), new ErrorTailHandler(responder));
        channel.writeInbound(new Frame(FrameType.AUTH, Unpooled.wrappedBuffer(AuthRequest.newBuilder()
                .setUsername("alice").setPassword(password).build().toByteArray())));
        OutboundMessage answer = awaitAnswer(channel);
        channel.finishAndReleaseAll();
        return answer.type() == FrameType.ERROR ? (ErrorResponse) answer.body() : null;
    }

    /** The hash runs on the authenticator's thread; its answer comes back as a task on the channel's loop. */
    private static OutboundMessage awaitAnswer(EmbeddedChannel channel) {
        long deadline = System.nanoTime() + 30 * SECOND;
        while (System.nanoTime() - deadline < 0) {
            channel.runPendingTasks();
            OutboundMessage answer = channel.readOutbound();
            if (answer != null) {
                return answer;
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return fail("no answer within 30 s");
    }
}

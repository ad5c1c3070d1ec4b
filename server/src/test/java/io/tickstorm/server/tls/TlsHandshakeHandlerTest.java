package io.tickstorm.server.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import java.security.cert.CertificateException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;

class TlsHandshakeHandlerTest {

    private final AtomicLong clock = new AtomicLong(1_000);
    private final List<String> outcomes = new ArrayList<>();
    private final List<Object> eventsSeenAfter = new ArrayList<>();

    @Test
    void reportsSuccessWithItsDurationAndRemovesItself() {
        EmbeddedChannel channel = channel();
        clock.addAndGet(2_500_000);
        channel.pipeline().fireUserEventTriggered(SslHandshakeCompletionEvent.SUCCESS);
        assertEquals(List.of("success 2500000"), outcomes);
        assertNull(channel.pipeline().get(TlsHandshakeHandler.class));
        assertEquals(List.of(SslHandshakeCompletionEvent.SUCCESS), eventsSeenAfter, "the event is passed on");
        assertFalse(channel.finish());
    }

    @Test
    void reportsFailure() {
        EmbeddedChannel channel = channel();
        clock.addAndGet(10);
        SslHandshakeCompletionEvent failure =
                new SslHandshakeCompletionEvent(new SslHandshakeTimeoutException("timed out"));
        channel.pipeline().fireUserEventTriggered(failure);
        assertEquals(List.of("failure 10"), outcomes);
        assertNull(channel.pipeline().get(TlsHandshakeHandler.class));
        assertSame(failure, eventsSeenAfter.get(0));
        assertFalse(channel.finish());
    }

    @Test
    void tellsRejectedClientCertificatesFromOtherFailures() {
        SSLHandshakeException untrusted = new SSLHandshakeException("General OpenSslEngine problem");
        untrusted.initCause(new CertificateException("unable to find valid certification path"));
        assertTrue(TlsHandshakeHandler.clientCertificateRejected(untrusted));
        assertTrue(TlsHandshakeHandler.clientCertificateRejected(
                new SSLHandshakeException("Empty client certificate chain")));
        assertTrue(TlsHandshakeHandler.clientCertificateRejected(new SSLHandshakeException(
                "error:100000c0:SSL routines:OPENSSL_internal:PEER_DID_NOT_RETURN_A_CERTIFICATE")));

        assertFalse(TlsHandshakeHandler.clientCertificateRejected(
                new SSLHandshakeException("Received fatal alert: bad_certificate")), "the client refused ours");
        assertFalse(TlsHandshakeHandler.clientCertificateRejected(new SslHandshakeTimeoutException("timed out")));
    }

    @Test
    void passesOtherEventsAndKeepsWaiting() {
        EmbeddedChannel channel = channel();
        channel.pipeline().fireUserEventTriggered("something else");
        assertEquals(List.of(), outcomes);
        assertEquals(List.of("something else"), eventsSeenAfter);
        channel.pipeline().fireUserEventTriggered(SslHandshakeCompletionEvent.SUCCESS);
        assertEquals(List.of("success 0"), outcomes);
        assertFalse(channel.finish());
    }

    private EmbeddedChannel channel() {
        return new EmbeddedChannel(
                new TlsHandshakeHandler((result, durationNanos) -> outcomes.add(result.label() + " " + durationNanos),
                        clock::get),
                new ChannelInboundHandlerAdapter() {
                    @Override
                    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                        eventsSeenAfter.add(evt);
                    }
                });
    }
}

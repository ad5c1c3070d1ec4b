package io.tickstorm.bench.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.ssl.NotSslRecordException;
import io.tickstorm.bench.load.FailureReason.Phase;
import io.tickstorm.protocol.codec.ProtocolException;
import io.tickstorm.protocol.proto.ErrorCode;
import java.io.IOException;
import java.net.ConnectException;
import java.nio.channels.ClosedChannelException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;

class FailureReasonTest {

    @Test
    void aRefusedConnectSaysWhereAndIsTheSameTextForEveryConnection() {
        String first = FailureReason.connect(new ConnectException("Connection refused: /127.0.0.2:40001"),
                "127.0.0.1", 8080, 10_000);
        String second = FailureReason.connect(new ConnectException("Connection refused: /127.0.0.3:40002"),
                "127.0.0.1", 8080, 10_000);

        assertEquals("connect: connection refused by 127.0.0.1:8080 (is the server running and listening there?)",
                first);
        assertEquals(first, second);
    }

    @Test
    void aConnectTimeoutNamesTheTimeout() {
        assertTrue(FailureReason.connect(new ConnectTimeoutException("connection timed out: /10.0.0.1:8080"),
                "10.0.0.1", 8080, 2_000).startsWith("connect: no answer from 10.0.0.1:8080 within 2000 ms"));
    }

    @Test
    void aTlsClientOfAPlainServerIsToldToUseNoTls() {
        NotSslRecordException plainFrame = new NotSslRecordException("not an SSL/TLS record: f57d0105000000");
        NotSslRecordException other = new NotSslRecordException("not an SSL/TLS record: 485454502f312e31");

        assertEquals("tls: the server speaks plain TCP (it answered with a Tick-Storm frame): use --no-tls",
                FailureReason.tlsHandshake(plainFrame, "localhost"));
        assertTrue(FailureReason.tlsHandshake(other, "localhost").startsWith(
                "tls: the server answered in plain TCP, not TLS: use --no-tls"));
        assertTrue(FailureReason.tlsHandshake(new NotSslRecordException(), "localhost").startsWith(
                "tls: the server answered in plain TCP, not TLS: use --no-tls"));
        assertTrue(FailureReason.tlsHandshake(new ClosedChannelException(), "localhost")
                .startsWith("tls: closed by the server during the TLS handshake"));
    }

    @Test
    void anUntrustedOrMisnamedCertificateSaysWhichFlagFixesIt() {
        SSLHandshakeException untrusted = new SSLHandshakeException("PKIX path building failed");
        untrusted.initCause(new CertPathValidatorException("unable to find valid certification path"));
        SSLHandshakeException misnamed = new SSLHandshakeException("No subject alternative DNS name matching x found");
        misnamed.initCause(new CertificateException("No subject alternative DNS name matching x found."));

        assertTrue(FailureReason.tlsHandshake(untrusted, "x").startsWith(
                "tls: the server's certificate is not trusted (CertPathValidatorException): give its CA with"
                        + " --ca-file"), FailureReason.tlsHandshake(untrusted, "x"));
        assertEquals("tls: the server's certificate does not name x: connect by a name it has, or give it with"
                + " --server-name", FailureReason.tlsHandshake(misnamed, "x"));
    }

    @Test
    void aPlainClientClosedOrAnsweredBeforeAuthAckAsksWhetherTheServerSpeaksTls() {
        assertEquals("closed: closed by the server before AUTH ACK: is it TLS? (TLS is the default: drop --no-tls)",
                FailureReason.closedBy(Phase.AUTH_SENT, false));
        assertEquals("decode: the server answered AUTH with something that is not a Tick-Storm frame: is it TLS?"
                + " (TLS is the default: drop --no-tls)", FailureReason.exception(
                        new ProtocolException(ErrorCode.INVALID_MESSAGE, "bad magic (expected 0xF57D)", "magic"),
                        Phase.AUTH_SENT, false));
        assertTrue(FailureReason.closedBy(Phase.AUTH_SENT, true).startsWith(
                "closed: closed by the server before AUTH ACK (after the TLS handshake)"));
        assertTrue(FailureReason.closedBy(Phase.SUBSCRIBE_SENT, true).startsWith(
                "closed: closed by the server after AUTH ACK, before the snapshot"));
    }

    @Test
    void ioFailuresKeepTheirCategoryAndDropConnectionDetails() {
        assertEquals("io: IOException: Connection reset by peer",
                FailureReason.exception(new IOException("Connection reset by peer"), Phase.SUBSCRIBED, true));
        assertEquals("io: IOException: readAddress(..) failed",
                FailureReason.exception(new IOException("readAddress(..) failed: Connection reset by peer"),
                        Phase.SUBSCRIBED, true));
        assertEquals("auth: AUTH refused (wrong user or password? the server's audit log says why)",
                FailureReason.unsuccessfulAck("AUTH"));
    }
}

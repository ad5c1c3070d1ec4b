package io.tickstorm.protocol.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.handler.ssl.SslContextBuilder;
import io.tickstorm.protocol.client.FakeTickServer;
import io.tickstorm.protocol.client.TestCertificate;
import io.tickstorm.protocol.proto.ErrorCode;
import io.tickstorm.protocol.proto.SubscribeRequest;
import io.tickstorm.protocol.proto.SubscriptionMode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TickClientCliTest {

    private static final Map<String, String> ENV = Map.of(
            TickClientCli.ENV_USER, FakeTickServer.USER,
            TickClientCli.ENV_PASSWORD, FakeTickServer.PASSWORD);

    private final FakeTickServer server = new FakeTickServer();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @AfterEach
    void stopServer() {
        server.close();
    }

    private int run(Map<String, String> env, InputStream in, String... args) {
        return TickClientCli.run(args, env, in, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private int runPlain(String... args) {
        List<String> all = new ArrayList<>(List.of("--no-tls", "--port", String.valueOf(server.port())));
        all.addAll(List.of(args));
        return run(ENV, InputStream.nullInputStream(), all.toArray(String[]::new));
    }

    private List<String> outLines() {
        String text = out.toString(StandardCharsets.UTF_8);
        return text.isEmpty() ? List.of() : List.of(text.split("\n"));
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void helpPrintsUsageAndSucceeds() {
        assertEquals(TickClientCli.EXIT_OK, run(Map.of(), InputStream.nullInputStream(), "--help"));
        assertTrue(out.toString(StandardCharsets.UTF_8).startsWith("Usage: tick-storm-client"));
    }

    @Test
    void printsOneTextLinePerTickAndStopsAtTheCountSnapshotIncluded() throws Exception {
        assertEquals(TickClientCli.EXIT_OK, runPlain("--count", "3", "--mode", "minute"), err());
        List<String> lines = outLines();
        assertEquals(6, lines.size(), "3 batches of 2 symbols: " + lines);
        assertEquals("AAPL 1970-01-01T00:16:40Z price=100.25 volume=1500.0 bid=100.2 ask=100.3 bid_size=300"
                + " ask_size=200 mode=MINUTE batch_sequence=1000 snapshot=true", lines.get(0));
        assertTrue(lines.get(5).startsWith("MSFT "), lines.get(5));
        assertTrue(lines.get(5).endsWith("batch_sequence=1002 snapshot=false"), lines.get(5));
        assertEquals(SubscriptionMode.MINUTE, server.next(SubscribeRequest.class).getMode());
        assertEquals("", err());
    }

    @Test
    void printsJsonLinesWithEveryTickField() throws Exception {
        assertEquals(TickClientCli.EXIT_OK, runPlain("--json", "--count", "1", "--symbols", "AAPL"), err());
        assertEquals(List.of("{\"symbol\":\"AAPL\",\"timestamp_ms\":1000000,\"price\":100.25,\"volume\":1500.0,"
                + "\"bid\":100.2,\"ask\":100.3,\"bid_size\":300,\"ask_size\":200,\"mode\":\"SECOND\","
                + "\"batch_sequence\":1000,\"is_snapshot\":true}"), outLines());
        assertEquals(List.of("AAPL"), server.next(SubscribeRequest.class).getSymbolsList());
    }

    @Test
    void stopsWhenTheDurationHasElapsed() {
        assertEquals(TickClientCli.EXIT_OK, runPlain("--duration", "1s"), err());
        assertEquals(6, outLines().size(), "every batch the server sent");
    }

    @Test
    void readsThePasswordFromStdin() {
        InputStream stdin = new ByteArrayInputStream((FakeTickServer.PASSWORD + "\n").getBytes(StandardCharsets.UTF_8));
        int exit = run(Map.of(), stdin, "--no-tls", "--port", String.valueOf(server.port()),
                "--user", FakeTickServer.USER, "--password-stdin", "--count=1");
        assertEquals(TickClientCli.EXIT_OK, exit, err());
        assertEquals(2, outLines().size());
    }

    @Test
    void wrongPasswordExitsWithTheServersErrorCode() {
        Map<String, String> env = Map.of(TickClientCli.ENV_USER, FakeTickServer.USER,
                TickClientCli.ENV_PASSWORD, "wrong");
        int exit = run(env, InputStream.nullInputStream(), "--no-tls", "--port", String.valueOf(server.port()),
                "--count", "1");
        assertEquals(TickClientCli.EXIT_FAILURE, exit);
        assertEquals("error: INVALID_AUTH: invalid credentials\n", err());
        assertEquals(List.of(), outLines());
    }

    @Test
    void serverErrorThatEndsTheSessionExitsOne() {
        server.endWith(ErrorCode.INTERNAL_ERROR);
        assertEquals(TickClientCli.EXIT_FAILURE, runPlain());
        assertTrue(err().contains("error: INTERNAL_ERROR: scripted end of session"), err());
        assertEquals(6, outLines().size(), "the batches before the ERROR were printed");
    }

    @Test
    void serverShuttingDownExitsFourWithoutReconnect() {
        server.endWith(ErrorCode.SERVER_SHUTTING_DOWN);
        assertEquals(TickClientCli.EXIT_SHUTDOWN, runPlain());
        assertTrue(err().contains("error: SERVER_SHUTTING_DOWN: scripted end of session"), err());
        assertEquals(6, outLines().size(), "the batches before the ERROR were printed");
    }

    @Test
    void closedStandardOutputExitsAtOnceWith141() throws Exception {
        // What `| head -1` leaves: every write after the first line fails (PrintStream swallows the IOException).
        OutputStream closedAfterFirstLine = new OutputStream() {
            private boolean lineWritten;

            @Override
            public void write(int b) throws IOException {
                if (lineWritten) {
                    throw new IOException("Broken pipe");
                }
                lineWritten = b == '\n';
            }
        };
        List<String> args = List.of("--no-tls", "--port", String.valueOf(server.port()), "--duration", "60s");
        int exit = TickClientCli.run(args.toArray(String[]::new), ENV, InputStream.nullInputStream(),
                new PrintStream(closedAfterFirstLine, false, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(TickClientCli.EXIT_OUTPUT_CLOSED, exit, "not the 60 s guard: " + err());
        assertEquals("", err());
    }

    @Test
    void versionPrintsTheBuildLine() {
        assertEquals(TickClientCli.EXIT_OK, run(Map.of(), InputStream.nullInputStream(), "--version"));
        assertTrue(out.toString(StandardCharsets.UTF_8).matches("tick-storm-client \\S+ \\(commit \\S+\\)\n"),
                out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void symbolsAreSentUpperCased() throws Exception {
        assertEquals(TickClientCli.EXIT_OK, runPlain("--count", "1", "--symbols", "aapl"), err());
        assertEquals(List.of("AAPL"), server.next(SubscribeRequest.class).getSymbolsList());
    }

    @Test
    void invalidSubscriptionExitsOne() {
        assertEquals(TickClientCli.EXIT_FAILURE, runPlain("--symbols", "BAD", "--count", "1"));
        assertTrue(err().startsWith("error: INVALID_SUBSCRIPTION: "), err());
    }

    @Test
    void batchSequenceGapWarnsAndExitsThree() {
        server.liveSequences(FakeTickServer.SNAPSHOT_SEQUENCE + 1, FakeTickServer.SNAPSHOT_SEQUENCE + 3);
        assertEquals(TickClientCli.EXIT_GAP, runPlain("--count", "3"));
        assertEquals("warning: batch_sequence gap: expected 1002, got 1003 (1 lost)\n", err());
        assertEquals(6, outLines().size());
    }

    @Test
    void connectionFailureExitsOne() throws Exception {
        int unusedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            unusedPort = socket.getLocalPort();
        }
        int exit = run(ENV, InputStream.nullInputStream(), "--no-tls", "--port", String.valueOf(unusedPort));
        assertEquals(TickClientCli.EXIT_FAILURE, exit);
        assertTrue(err().startsWith("error: connect to 127.0.0.1:" + unusedPort + " failed"), err());
    }

    @Test
    void insecureTlsReachesASelfSignedServerAndWarns() throws Exception {
        TestCertificate certificate = TestCertificate.selfSigned("self-signed.test");
        try (FakeTickServer tlsServer = new FakeTickServer(
                SslContextBuilder.forServer(certificate.key(), certificate.certificate()).build())) {
            int exit = run(ENV, InputStream.nullInputStream(), "--port", String.valueOf(tlsServer.port()),
                    "--insecure", "--count", "1");
            assertEquals(TickClientCli.EXIT_OK, exit, err());
            assertEquals(2, outLines().size());
            assertTrue(err().startsWith("warning: --insecure"), err());
        }
    }

    @Test
    void refusesAPasswordFlag() {
        for (String[] args : List.of(new String[] {"--password", "secret"}, new String[] {"--password=secret"})) {
            err.reset();
            assertEquals(TickClientCli.EXIT_USAGE, run(ENV, InputStream.nullInputStream(), args));
            assertTrue(err().contains(TickClientCli.ENV_PASSWORD), err());
            assertFalse(err().contains("secret"), "the password is not echoed");
        }
    }

    @Test
    void usageErrorsExitTwo() {
        List<String[]> invalid = List.of(
                new String[] {"--bogus"},
                new String[] {"--mode", "hourly"},
                new String[] {"--count", "0"},
                new String[] {"--port", "70000"},
                new String[] {"--duration", "soon"},
                new String[] {"--insecure", "--ca-file", "ca.pem"},
                new String[] {"--cert", "client.pem"},
                new String[] {"--no-tls", "--ca-file", "ca.pem"},
                new String[] {"--host"},
                new String[] {"stray"});
        for (String[] args : invalid) {
            err.reset();
            int exit = run(ENV, InputStream.nullInputStream(), args);
            assertEquals(TickClientCli.EXIT_USAGE, exit, String.join(" ", args));
            assertTrue(err().startsWith("tick-storm-client: "), err());
        }
    }

    @Test
    void missingCredentialsAreUsageErrors() {
        assertEquals(TickClientCli.EXIT_USAGE, run(Map.of(), InputStream.nullInputStream(), "--no-tls"));
        assertTrue(err().contains(TickClientCli.ENV_USER), err());
        err.reset();
        // Tests run without a terminal, so there is no prompt to fall back on.
        assertEquals(TickClientCli.EXIT_USAGE, run(Map.of(TickClientCli.ENV_USER, "alice"),
                InputStream.nullInputStream(), "--no-tls"));
        assertTrue(err().contains("no password"), err());
        err.reset();
        assertEquals(TickClientCli.EXIT_USAGE, run(Map.of(), InputStream.nullInputStream(), "--user", "alice",
                "--password-stdin"));
        assertTrue(err().contains("empty password"), err());
    }
}

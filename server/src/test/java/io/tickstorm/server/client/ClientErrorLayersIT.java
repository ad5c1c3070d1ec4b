package io.tickstorm.server.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tickstorm.protocol.cli.TickClientCli;
import io.tickstorm.server.TickServer;
import io.tickstorm.server.testing.TestServers;
import io.tickstorm.server.tls.TestPki;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client CLI reports a failure at the layer where it happened, against real servers: TLS spoken to a plain-TCP
 * server, plain TCP spoken to a TLS server, and a client certificate that a mutual-TLS server refuses.
 */
class ClientErrorLayersIT {

    private static final Map<String, String> ENV = Map.of("TICK_STORM_USER", TestServers.USER,
            "TICK_STORM_PASSWORD", TestServers.PASSWORD);

    @TempDir
    Path dir;

    private record Result(int exit, String out, String err) {
    }

    private static Result cli(TickServer server, String... flags) {
        List<String> args = new ArrayList<>(List.of("--port", String.valueOf(server.tickAddress().getPort()),
                "--count", "1"));
        args.addAll(List.of(flags));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = TickClientCli.run(args.toArray(String[]::new), ENV, InputStream.nullInputStream(),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void tlsClientToAPlainServerIsToldToUseNoTls() throws Exception {
        try (TickServer plain = TestServers.start()) {
            Result result = cli(plain, "--insecure");
            assertEquals(1, result.exit(), result.err());
            assertTrue(result.err().endsWith("error: the server speaks plain TCP: use --no-tls\n"), result.err());
        }
    }

    @Test
    void plainClientToATlsServerIsToldToTryTls() throws Exception {
        try (TickServer tls = TestServers.start(Map.of("tick-storm.tls.enabled", true))) {
            Result result = cli(tls, "--no-tls");
            assertEquals(1, result.exit(), result.err());
            // The server closes without a byte (no TLS alert to plain TCP): the client names the likely cause.
            assertTrue(result.err().startsWith("error: the server closed the connection before answering AUTH"),
                    result.err());
            assertTrue(result.err().endsWith("the server speaks TLS? try without --no-tls\n"), result.err());
        }
    }

    @Test
    void aRefusedClientCertificateIsATlsErrorNotAnAuthFailure() throws Exception {
        TestPki pki = TestPki.create(Files.createDirectories(dir.resolve("pki")));
        try (TickServer mtls = TestServers.start(Map.of(
                "tick-storm.tls.enabled", true,
                "tick-storm.tls.cert-file", pki.server().certFile().toString(),
                "tick-storm.tls.key-file", pki.server().keyFile().toString(),
                "tick-storm.tls.client-auth", "require",
                "tick-storm.tls.client-ca-file", pki.ca().certFile().toString()))) {
            String[] trust = {"--ca-file", pki.ca().certFile().toString(), "--server-name", "localhost"};
            Result trusted = cli(mtls, concat(trust, "--cert", pki.client().certFile().toString(),
                    "--key", pki.client().keyFile().toString()));
            assertEquals(0, trusted.exit(), "the trusted client streams: " + trusted.err());

            for (String[] flags : List.of(trust, concat(trust, "--cert", pki.rogueClient().certFile().toString(),
                    "--key", pki.rogueClient().keyFile().toString()))) {
                Result refused = cli(mtls, flags);
                assertEquals(1, refused.exit(), refused.err());
                assertTrue(refused.err().startsWith("error: TLS error: "), refused.err());
                assertTrue(refused.err().contains("client certificate"), refused.err());
                assertFalse(refused.err().contains("AUTH"), refused.err());
            }
        }
    }

    private static String[] concat(String[] first, String... more) {
        List<String> all = new ArrayList<>(List.of(first));
        all.addAll(List.of(more));
        return all.toArray(String[]::new);
    }
}

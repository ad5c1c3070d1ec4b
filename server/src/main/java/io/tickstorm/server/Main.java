package io.tickstorm.server;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import io.tickstorm.limits.Limits;
import io.tickstorm.protocol.BuildInfo;
import io.tickstorm.limits.LimitsConfig;
import io.tickstorm.server.auth.AuthConfig;
import io.tickstorm.server.auth.CredentialsFileException;
import io.tickstorm.server.auth.HashPasswordCommand;
import io.tickstorm.server.config.ServerConfig;
import io.tickstorm.server.config.Settings;
import io.tickstorm.server.feed.kafka.PublishCommand;
import io.tickstorm.server.metrics.ServerMetrics;
import io.tickstorm.server.tls.GeneratedCertificate;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.concurrent.CountDownLatch;
import net.logstash.logback.argument.StructuredArguments;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * {@code java -jar tick-storm-server.jar} runs the server; {@code ... hash-password [--user NAME] [--bcrypt]} prints
 * a hash for the credentials file; {@code ... publish --bootstrap-servers HOST:PORT [FILE]} sends recorded ticks to a
 * Kafka topic ({@link PublishCommand}); {@code ... --version} prints the {@link BuildInfo} line. Exit codes: 0 after
 * a clean shutdown (SIGTERM or SIGINT), 1 when the server cannot start, 2 for invalid configuration or usage.
 */
public final class Main {

    /** User name of the generated credentials of the embedded default. */
    static final String DEFAULT_USER = "tickstorm";

    private Main() {
    }

    public static void main(String[] args) throws InterruptedException {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) throws InterruptedException {
        if (args.length > 0 && args[0].equals("--version")) {
            out.println(BuildInfo.current().versionLine("server"));
            return 0;
        }
        if (args.length > 0 && args[0].equals("hash-password")) {
            return HashPasswordCommand.run(Arrays.copyOfRange(args, 1, args.length), System.in, out, err);
        }
        if (args.length > 0 && args[0].equals("publish")) {
            return PublishCommand.run(Arrays.copyOfRange(args, 1, args.length), System.in, out, err);
        }
        if (args.length > 0) {
            err.println("usage: java -jar tick-storm-server.jar             run the server (configured by env vars, see"
                    + " README)\n       java -jar tick-storm-server.jar hash-password [--user NAME] [--bcrypt]"
                    + "\n       java -jar tick-storm-server.jar publish --bootstrap-servers HOST:PORT [--topic ticks]"
                    + " [--format protobuf|json] [--rate N] [--retime] [FILE|-]");
            return args[0].equals("--help") || args[0].equals("-h") ? 0 : 2;
        }
        Config root;
        Limits limits;
        try {
            root = ConfigFactory.load();
            // Limits first: Netty sizes its direct memory when its first class loads, so this precedes any Netty use.
            limits = Limits.detect(LimitsConfig.from(root), Settings.integer(root, ServerConfig.EVENT_LOOPS_KEY));
        } catch (ConfigException | IllegalArgumentException e) {
            err.println("tick-storm: invalid configuration: " + e.getMessage());
            return 2;
        }
        System.setProperty("io.netty.maxDirectMemory",
                System.getProperty("io.netty.maxDirectMemory", limits.nettyMaxDirectMemory()));
        // The jar's manifest opens java.nio, so Netty can use cleaner-less direct buffers and count them.
        System.setProperty("io.netty.tryReflectionSetAccessible",
                System.getProperty("io.netty.tryReflectionSetAccessible", "true"));
        // The JDK TLS provider reads this once, when its first server handshake loads the class that checks it, so
        // it is set before any TLS. The pipeline's RenegotiationGuard refuses renegotiation anyway; this makes the
        // JDK refuse it too wherever a JDK engine serves (issue 12 item 9).
        System.setProperty("jdk.tls.rejectClientInitiatedRenegotiation",
                System.getProperty("jdk.tls.rejectClientInitiatedRenegotiation", "true"));
        Logger log = LoggerFactory.getLogger(Main.class);
        log.info("Starting {}", BuildInfo.current().versionLine("server"));
        ServerConfig config;
        try {
            config = ServerConfig.from(root);
        } catch (ConfigException | IllegalArgumentException e) {
            err.println("tick-storm: invalid configuration: " + e.getMessage());
            return 2;
        }
        log.info("Limits derived from the container {}", StructuredArguments.entries(limits.summary()));
        String generatedPassword = null;
        if (!config.auth().hasCredentials()) {
            generatedPassword = generatePassword();
            config = config.withAuth(config.auth().withPlainUser(DEFAULT_USER, generatedPassword));
        }
        log.info("Effective configuration {}", StructuredArguments.entries(config.summary()));

        TickServer server = new TickServer(config, limits, new ServerMetrics());
        try {
            server.start();
        } catch (CredentialsFileException | IllegalArgumentException e) {
            err.println("tick-storm: cannot start: " + e.getMessage());
            server.close();
            return 2;
        } catch (IOException | RuntimeException e) {
            log.error("Cannot start the server", e);
            err.println("tick-storm: cannot start: " + e);
            return 1;
        }
        printEmbeddedDefaults(out, config, server, generatedPassword);

        CountDownLatch stopped = new CountDownLatch(1);
        Runnable shutdown = () -> {
            log.info("Shutdown requested: draining");
            server.close();
            stopped.countDown();
        };
        // SIGTERM (Kubernetes) and SIGINT (Ctrl-C) drain and exit 0, instead of the JVM's 143/130.
        Signal.handle(new Signal("TERM"), signal -> new Thread(shutdown, "tick-shutdown").start());
        Signal.handle(new Signal("INT"), signal -> new Thread(shutdown, "tick-shutdown").start());
        stopped.await();
        return 0;
    }

    private static String generatePassword() {
        byte[] random = new byte[18];
        new SecureRandom().nextBytes(random);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    }

    /** Prints, once, what a newcomer needs to connect to the embedded default. */
    private static void printEmbeddedDefaults(PrintStream out, ServerConfig config, TickServer server,
            String generatedPassword) {
        GeneratedCertificate certificate = server.generatedCertificate().orElse(null);
        String trust = config.tls().enabled() ? " --insecure" : " --no-tls";
        if (generatedPassword == null && certificate == null) {
            return;
        }
        StringBuilder banner = new StringBuilder("\n==== Tick-Storm embedded default ====\n");
        if (generatedPassword != null) {
            banner.append("No credentials configured: generated user for this run\n")
                    .append("  user:     ").append(DEFAULT_USER).append('\n')
                    .append("  password: ").append(generatedPassword).append('\n');
        }
        if (certificate != null) {
            banner.append("No TLS certificate configured: generated a self-signed one for localhost\n")
                    .append("  SHA-256 fingerprint: ").append(certificate.sha256Fingerprint()).append('\n');
            try {
                Path file = certificate.writeCertificate(Path.of(System.getProperty("java.io.tmpdir")));
                banner.append("  written to: ").append(file).append(" (pass it to the client as --ca-file)\n");
                trust = " --ca-file " + file;
            } catch (IOException e) {
                banner.append("  (could not write it to ").append(System.getProperty("java.io.tmpdir")).append(": ")
                        .append(e.getMessage()).append(")\n");
            }
            banner.append(certificate.certificatePem());
        }
        banner.append("Connect: TICK_STORM_PASSWORD=<password> java -jar protocol/target/tick-storm-client.jar")
                .append(" --port ").append(server.tickAddress().getPort())
                .append(trust).append(" --user ")
                .append(generatedPassword != null ? DEFAULT_USER : "<user>").append(" --mode second\n")
                .append("=====================================\n");
        out.print(banner);
        out.flush();
    }
}

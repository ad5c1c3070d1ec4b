package io.tickstorm.server;

import io.netty.util.ResourceLeakDetector;
import io.tickstorm.limits.Limits;
import io.tickstorm.protocol.BuildInfo;
import io.tickstorm.server.auth.CredentialsFileException;
import io.tickstorm.server.auth.HashPasswordCommand;
import io.tickstorm.server.config.ServerConfig;
import io.tickstorm.server.config.SettingCatalog;
import io.tickstorm.server.feed.kafka.PublishCommand;
import io.tickstorm.server.metrics.ServerMetrics;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import net.logstash.logback.argument.StructuredArguments;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * {@code java -jar tick-storm-server.jar} runs the server, configured by environment variables ({@code --help} lists
 * them, from reference.conf); {@code ... hash-password [--user NAME] [--bcrypt]} prints
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
        withoutLeakDetectionUnlessAsked();
        System.exit(run(args, System.getenv(), System.out, System.err));
    }

    /**
     * Netty's default leak detection records a stack trace for one buffer allocation in 128: with 20,000 idle TLS
     * subscribers that was over 1% of the server's CPU (bench/RESULTS.md). The test suite runs with paranoid detection,
     * which tracks every buffer; a served process skips it unless {@code -Dio.netty.leakDetection.level} is given.
     */
    private static void withoutLeakDetectionUnlessAsked() {
        if (System.getProperty("io.netty.leakDetection.level") == null
                && System.getProperty("io.netty.leakDetectionLevel") == null) {
            ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
        }
    }

    static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err)
            throws InterruptedException {
        ServerArguments arguments;
        try {
            arguments = ServerArguments.parse(args);
        } catch (IllegalArgumentException e) {
            err.println("tick-storm: " + e.getMessage());
            err.println(ServerHelp.USAGE);
            return 2;
        }
        return switch (arguments.command()) {
            case HASH_PASSWORD -> HashPasswordCommand.run(arguments.rest(), System.in, out, err);
            case PUBLISH -> PublishCommand.run(arguments.rest(), System.in, out, err);
            case VERSION -> {
                out.println(BuildInfo.current().versionLine("server"));
                yield 0;
            }
            case HELP -> {
                ServerHelp.print(out, SettingCatalog.load());
                yield 0;
            }
            case RUN -> serve(env, err);
        };
    }

    private static int serve(Map<String, String> env, PrintStream err) throws InterruptedException {
        SettingCatalog catalog = SettingCatalog.load();
        StartupConfiguration.Result startup = new StartupConfiguration(catalog, env).load();
        if (!startup.problems().isEmpty()) {
            for (String problem : startup.problems()) {
                err.println("tick-storm: invalid configuration: " + problem);
            }
            return 2;
        }
        if (!startup.bindProblems().isEmpty()) {
            for (String problem : startup.bindProblems()) {
                err.println("tick-storm: " + problem);
            }
            return 1;
        }
        ServerConfig config = startup.config();
        Limits limits = startup.limits();
        Logger log = LoggerFactory.getLogger(Main.class);
        log.info("Starting {}", BuildInfo.current().versionLine("server"));
        log.info("Limits derived from the container {}", StructuredArguments.entries(limits.summary()));
        limits.heapAboveMemoryLimit().ifPresent(log::warn);
        log.info("Effective configuration {}", StructuredArguments.entries(catalog.effectiveValues(startup.root())));
        String generatedPassword = null;
        if (!config.auth().hasCredentials()) {
            generatedPassword = generatePassword();
            config = config.withAuth(config.auth().withPlainUser(DEFAULT_USER, generatedPassword));
        }

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
        EmbeddedDefaults defaults = EmbeddedDefaults.announce(err, server.tickAddress().getPort(),
                config.tls().enabled(), generatedPassword != null ? DEFAULT_USER : null, generatedPassword,
                server.generatedCertificate().orElse(null), Path.of(System.getProperty("java.io.tmpdir")));

        CountDownLatch stopped = new CountDownLatch(1);
        Runnable shutdown = () -> {
            log.info("Shutdown requested: draining");
            server.close();
            defaults.close();
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
}

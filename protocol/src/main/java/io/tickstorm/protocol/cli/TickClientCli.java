package io.tickstorm.protocol.cli;

import io.tickstorm.protocol.BuildInfo;
import io.tickstorm.protocol.client.ReconnectPolicy;
import io.tickstorm.protocol.client.ResumingSubscription;
import io.tickstorm.protocol.client.ServerAddress;
import io.tickstorm.protocol.client.Subscription;
import io.tickstorm.protocol.client.TickClientException;
import io.tickstorm.protocol.client.TickClientOptions;
import io.tickstorm.protocol.proto.ErrorCode;
import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * {@code tick-storm-client}: connects, authenticates, subscribes and prints ticks (see {@link #USAGE}); with
 * {@code --reconnect} it resumes the stream after a server shutdown or a lost connection
 * ({@link ResumingSubscription}).
 *
 * <p>Exit codes: {@value #EXIT_OK} when the count is reached or the duration has elapsed; {@value #EXIT_FAILURE} when
 * the connection fails or the server refuses or ends the session (its error code name and message go to stderr);
 * {@value #EXIT_USAGE} for a command line that cannot run; {@value #EXIT_GAP} when streaming ended as asked but a
 * batch_sequence gap was seen (each gap is also warned about on stderr as it happens); {@value #EXIT_SHUTDOWN} when
 * the server ended the session with SERVER_SHUTTING_DOWN and {@code --reconnect} was not given;
 * {@value #EXIT_OUTPUT_CLOSED} (128 + SIGPIPE, what a shell reports for a process a closed pipe kills) when standard
 * output was closed, e.g. by {@code | head}.
 */
public final class TickClientCli {

    static final int EXIT_OK = 0;
    static final int EXIT_FAILURE = 1;
    static final int EXIT_USAGE = 2;
    static final int EXIT_GAP = 3;
    static final int EXIT_SHUTDOWN = 4;
    static final int EXIT_OUTPUT_CLOSED = 141;

    static final String ENV_USER = "TICK_STORM_USER";
    static final String ENV_PASSWORD = "TICK_STORM_PASSWORD";
    /** The CLI's Logback configuration (WARN to stderr), kept out of the way of the server's logback.xml. */
    static final String LOGBACK_CONFIGURATION = "tick-storm-client-logback.xml";

    static final String USAGE = """
            Usage: tick-storm-client [options]

            Streams market ticks from a Tick-Storm server and prints one line per tick.

            Connection:
              --host HOST[:PORT]     server (default 127.0.0.1); repeat the flag or give a comma-separated list
                                     (a,b:8081,[::1]:8080) for servers to fail over to, tried in order
              --port PORT            port of every --host given without one (default 8080)
              --reconnect            when the server shuts down (ERROR SERVER_SHUTTING_DOWN), the connection drops
                                     or falls silent: reconnect with back-off (0.25 s doubling to 30 s, jittered) to
                                     the next --host, log in again and resume; SECOND/MINUTE resume where they
                                     stopped with no gap (checked), REALTIME restarts (ticks in between are lost)
              --tls / --no-tls       TLS on (default, like the server) or off
              --ca-file PEM          trust only the CA certificates in PEM (default: the system trust store)
              --insecure             trust ANY certificate for ANY name (for the server's self-signed default only)
              --server-name NAME     name for SNI and certificate verification (default: the host)
              --cert PEM --key PEM   client certificate and key for mutual TLS
            Login:
              --user USER            user name (default: $TICK_STORM_USER)
              --password-stdin       read the password from the first line of standard input
                                     (otherwise: $TICK_STORM_PASSWORD, else a prompt on the terminal;
                                     never a command-line flag)
              --client-id ID         client_id sent with AUTH (default tick-storm-cli)
            Subscription:
              --mode MODE            second (default), minute or realtime
              --symbols A,B,C        symbols to receive, case-insensitive (default: all the server carries)
              --start-time T         replay retained bars from T on: epoch milliseconds, ISO-8601
                                     (2026-12-07T10:00:00Z, 2026-12-07T11:00:00+01:00) or relative (-30s, -5m, -2h)
              --conflate T           realtime only: at most one batch per T (10ms..60s, e.g. 500ms, 2s; a bare
                                     number is milliseconds) with each changed symbol's latest tick, volume summed
            Output and end:
              --json                 JSON lines: symbol, timestamp_ms, price, volume, bid, ask, bid_size,
                                     ask_size, mode, batch_sequence, is_snapshot
              --count N              stop after N data batches (the snapshot batch counts as one)
              --duration D           stop after streaming for D (e.g. 500ms, 10s, 5m, 1h; a bare number is seconds)
              --version              print the version and exit
              -h, --help             show this help

            Exit status: 0 done, 1 connection failure or server ERROR (printed on stderr), 2 usage error,
            3 done but a batch_sequence gap was seen, 4 the server shut down (SERVER_SHUTTING_DOWN; not with
            --reconnect), 141 standard output closed (e.g. | head).
            """;

    private TickClientCli() {
    }

    public static void main(String[] args) {
        // Before anything touches SLF4J: the CLI logs WARN and above to stderr, never onto the tick output.
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", LOGBACK_CONFIGURATION);
        }
        System.exit(run(args, System.getenv(), System.in, System.out, System.err));
    }

    /** Runs the CLI and returns its exit code; never calls {@link System#exit}. */
    public static int run(String[] args, Map<String, String> env, InputStream in, PrintStream out, PrintStream err) {
        CliArguments arguments;
        TickClientOptions options;
        Subscription subscription;
        try {
            arguments = CliArguments.parse(args);
            if (arguments.help()) {
                out.print(USAGE);
                out.flush();
                return EXIT_OK;
            }
            if (arguments.version()) {
                out.println(BuildInfo.current().versionLine("client"));
                out.flush();
                return EXIT_OK;
            }
            options = options(arguments, env, in);
            subscription = new Subscription(arguments.mode(), arguments.symbols(), arguments.startTimeMs(),
                    arguments.conflate());
        } catch (CliUsageException | IllegalArgumentException e) {
            err.println("tick-storm-client: " + e.getMessage());
            err.println("Try 'tick-storm-client --help'.");
            return EXIT_USAGE;
        } catch (IOException e) {
            err.println("error: cannot read the password: " + e.getMessage());
            return EXIT_FAILURE;
        }
        if (arguments.insecure() && arguments.tls()) {
            err.println("warning: --insecure: the server's certificate is NOT verified; anyone on the path can"
                    + " impersonate the server and read the password");
        }
        try {
            return stream(arguments, options, subscription, out, err);
        } catch (TickClientException e) {
            err.println("error: " + describe(e));
            return EXIT_FAILURE;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("error: interrupted");
            return EXIT_FAILURE;
        } finally {
            out.flush();
        }
    }

    private static int stream(CliArguments arguments, TickClientOptions options, Subscription subscription,
            PrintStream out, PrintStream err) throws InterruptedException {
        ConnectionEventPrinter events = new ConnectionEventPrinter(err, arguments.reconnect());
        StreamPrinter printer = new StreamPrinter(arguments.format(), arguments.count(), out, err, events);
        ReconnectPolicy policy = arguments.reconnect() ? ReconnectPolicy.DEFAULT : ReconnectPolicy.NEVER;
        StreamPrinter.Outcome outcome;
        Throwable cause = null;
        long gaps;
        try (ResumingSubscription stream = new ResumingSubscription(options, arguments.addresses(), subscription,
                policy, printer)) {
            stream.terminated().whenComplete((done, failure) -> printer.terminated());
            stream.start();
            outcome = printer.await(arguments.duration());
            if (outcome == StreamPrinter.Outcome.TERMINATED) {
                cause = stream.terminated().handle((done, failure) -> failure).join();
            }
            gaps = stream.gaps();
        }
        switch (outcome) {
            case OUTPUT_CLOSED:
                return EXIT_OUTPUT_CLOSED;
            case TERMINATED:
                err.println("error: " + describe(cause));
                return cause instanceof TickClientException failure
                        && failure.code() == ErrorCode.SERVER_SHUTTING_DOWN ? EXIT_SHUTDOWN : EXIT_FAILURE;
            default:
                return gaps > 0 ? EXIT_GAP : EXIT_OK;
        }
    }

    /** What went wrong, in the CLI's terms: a transport mismatch names the flag that fixes it. */
    static String describe(Throwable cause) {
        if (cause instanceof TickClientException failure) {
            return switch (failure.kind()) {
                case SERVER_SPEAKS_PLAIN -> "the server speaks plain TCP: use --no-tls";
                case SERVER_SPEAKS_TLS -> "the server speaks TLS: try without --no-tls";
                case CLOSED_BEFORE_AUTH -> "the server closed the connection before answering AUTH, without a"
                        + " byte, as a TLS server does to plain TCP: the server speaks TLS? try without --no-tls";
                default -> failure.getMessage();
            };
        }
        return cause == null ? "connection closed" : String.valueOf(cause);
    }

    private static TickClientOptions options(CliArguments arguments, Map<String, String> env, InputStream in)
            throws CliUsageException, IOException {
        String user = arguments.user() != null ? arguments.user() : env.get(ENV_USER);
        if (user == null || user.isEmpty()) {
            throw new CliUsageException("no user: pass --user or set " + ENV_USER);
        }
        ServerAddress first = arguments.addresses().get(0);
        TickClientOptions.Builder builder = TickClientOptions.builder()
                .host(first.host())
                .port(first.port())
                .tls(arguments.tls())
                .serverName(arguments.serverName())
                .clientId(arguments.clientId())
                .version("tick-storm-cli/" + BuildInfo.current().version())
                .credentials(user, password(arguments, user, env, in));
        if (arguments.insecure()) {
            builder.trustInsecure();
        } else if (arguments.caFile() != null) {
            builder.trustCaFile(arguments.caFile());
        }
        if (arguments.certFile() != null) {
            builder.clientCertificate(arguments.certFile(), arguments.keyFile());
        }
        return builder.build();
    }

    private static String password(CliArguments arguments, String user, Map<String, String> env, InputStream in)
            throws CliUsageException, IOException {
        String password;
        if (arguments.passwordStdin()) {
            String line = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).readLine();
            password = line == null ? "" : line;
        } else if (env.get(ENV_PASSWORD) != null) {
            password = env.get(ENV_PASSWORD);
        } else {
            Console console = System.console();
            if (console == null) {
                throw new CliUsageException("no password: set " + ENV_PASSWORD + ", use --password-stdin, or run on"
                        + " a terminal to be prompted");
            }
            char[] typed = console.readPassword("Password for %s: ", user);
            password = typed == null ? "" : new String(typed);
        }
        if (password.isEmpty()) {
            throw new CliUsageException("empty password");
        }
        return password;
    }
}

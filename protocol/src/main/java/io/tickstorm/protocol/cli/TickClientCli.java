package io.tickstorm.protocol.cli;

import io.tickstorm.protocol.client.TickClient;
import io.tickstorm.protocol.client.TickClientException;
import io.tickstorm.protocol.client.TickClientOptions;
import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * {@code tick-storm-client}: connects, authenticates, subscribes and prints ticks (see {@link #USAGE}).
 *
 * <p>Exit codes: {@value #EXIT_OK} when the count is reached or the duration has elapsed; {@value #EXIT_FAILURE} when
 * the connection fails or the server refuses or ends the session (its error code name and message go to stderr);
 * {@value #EXIT_USAGE} for a command line that cannot run; {@value #EXIT_GAP} when streaming ended as asked but a
 * batch_sequence gap was seen (each gap is also warned about on stderr as it happens).
 */
public final class TickClientCli {

    static final int EXIT_OK = 0;
    static final int EXIT_FAILURE = 1;
    static final int EXIT_USAGE = 2;
    static final int EXIT_GAP = 3;

    static final String ENV_USER = "TICK_STORM_USER";
    static final String ENV_PASSWORD = "TICK_STORM_PASSWORD";
    /** The CLI's Logback configuration (WARN to stderr), kept out of the way of the server's logback.xml. */
    static final String LOGBACK_CONFIGURATION = "tick-storm-client-logback.xml";

    static final String USAGE = """
            Usage: tick-storm-client [options]

            Streams market ticks from a Tick-Storm server and prints one line per tick.

            Connection:
              --host HOST            server host (default 127.0.0.1)
              --port PORT            server port (default 8080)
              --tls / --no-tls       TLS on (default, like the server) or off
              --ca-file PEM          trust only the CA certificates in PEM (default: the system trust store)
              --insecure             trust ANY certificate for ANY name (for the server's self-signed default only)
              --server-name NAME     name for SNI and certificate verification (default: --host)
              --cert PEM --key PEM   client certificate and key for mutual TLS
            Login:
              --user USER            user name (default: $TICK_STORM_USER)
              --password-stdin       read the password from the first line of standard input
                                     (otherwise: $TICK_STORM_PASSWORD, else a prompt on the terminal;
                                     never a command-line flag)
              --client-id ID         client_id sent with AUTH (default tick-storm-cli)
            Subscription:
              --mode MODE            second (default), minute or realtime
              --symbols A,B,C        symbols to receive (default: all the server carries)
              --start-time MS        replay retained bars from this epoch millisecond on
              --conflate T           realtime only: at most one batch per T (10ms..60s, e.g. 500ms, 2s; a bare
                                     number is milliseconds) with each changed symbol's latest tick, volume summed
            Output and end:
              --json                 JSON lines: symbol, timestamp_ms, price, volume, bid, ask, bid_size,
                                     ask_size, mode, batch_sequence, is_snapshot
              --count N              stop after N data batches (the snapshot batch counts as one)
              --duration D           stop after streaming for D (e.g. 500ms, 10s, 5m, 1h; a bare number is seconds)
              -h, --help             show this help

            Exit status: 0 done, 1 connection failure or server ERROR (printed on stderr), 2 usage error,
            3 done but a batch_sequence gap was seen.
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
        try {
            arguments = CliArguments.parse(args);
            if (arguments.help()) {
                out.print(USAGE);
                out.flush();
                return EXIT_OK;
            }
            options = options(arguments, env, in);
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
            return stream(arguments, options, out, err);
        } catch (TickClientException e) {
            err.println("error: " + e.getMessage());
            return EXIT_FAILURE;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("error: interrupted");
            return EXIT_FAILURE;
        } finally {
            out.flush();
        }
    }

    private static int stream(CliArguments arguments, TickClientOptions options, PrintStream out, PrintStream err)
            throws InterruptedException {
        StreamPrinter printer = new StreamPrinter(arguments.format(), arguments.count(), out, err);
        try (TickClient client = new TickClient(options, printer)) {
            client.connectAndAuthenticate();
            if (arguments.conflate() != null) {
                client.subscribeConflated(arguments.symbols(), arguments.conflate());
            } else {
                client.subscribe(arguments.mode(), arguments.symbols(), arguments.startTimeMs());
            }
            if (printer.await(arguments.duration()) == StreamPrinter.Outcome.CLOSED) {
                Throwable cause = printer.closeCause();
                if (cause instanceof TickClientException failure) {
                    throw failure;
                }
                err.println("error: connection lost: " + (cause == null ? "closed" : cause));
                return EXIT_FAILURE;
            }
        }
        return printer.gaps() > 0 ? EXIT_GAP : EXIT_OK;
    }

    private static TickClientOptions options(CliArguments arguments, Map<String, String> env, InputStream in)
            throws CliUsageException, IOException {
        String user = arguments.user() != null ? arguments.user() : env.get(ENV_USER);
        if (user == null || user.isEmpty()) {
            throw new CliUsageException("no user: pass --user or set " + ENV_USER);
        }
        TickClientOptions.Builder builder = TickClientOptions.builder()
                .host(arguments.host())
                .port(arguments.port())
                .tls(arguments.tls())
                .serverName(arguments.serverName())
                .clientId(arguments.clientId())
                .version("tick-storm-cli/1")
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

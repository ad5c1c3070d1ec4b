package io.tickstorm.bench.load;

import io.tickstorm.protocol.proto.SubscriptionMode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Everything one load run needs, parsed from {@code --flag value} arguments (later flags win, so a worker is given
 * the coordinator's arguments plus its own overrides). Immutable and validated: an invalid value is an
 * {@link IllegalArgumentException} naming the flag. {@link #usage()} documents every flag.
 *
 * @param host server address
 * @param port server tick port
 * @param tls whether to speak TLS: on unless {@code --no-tls}, as for the server and the CLI client
 * @param caFile PEM CA file to trust, or {@code null} for the JDK's default trust store (as the CLI client)
 * @param insecure trust any certificate (the server's generated self-signed one); exclusive with {@code caFile}
 * @param serverName SNI and verified host name, or {@code null} for {@code host}
 * @param username AUTH username
 * @param password AUTH password, from the {@value #PASSWORD_ENV} environment variable or, with
 *     {@code --password-stdin}, the first line of standard input; never from the command line (ps and shell history
 *     would show it)
 * @param mode subscription mode
 * @param symbols symbols to subscribe to; empty means every symbol the server carries
 * @param conflateMs conflated REALTIME (PROTOCOL.md §5.6 {@code conflate_ms} metadata): at most one batch per this
 *     many ms; 0 for none
 * @param connections connections in total (all workers)
 * @param connectRatePerSecond new connections per second in total; 0 means as fast as possible
 * @param maxPendingConnects connections per worker between connect and SUBSCRIBE ACK at once; 0 means unbounded
 * @param holdSeconds how long the subscribed connections are held and measured
 * @param heartbeatIntervalMillis HEARTBEAT interval per connection; 0 disables heartbeats
 * @param sourceAddresses how many source addresses 127.0.0.2, 127.0.0.3, ... the connections are spread over
 * @param workers worker processes; 0 derives them from {@code maxConnectionsPerWorker}
 * @param maxConnectionsPerWorker most connections one worker process opens (20,000 files per process here)
 * @param ioThreads event-loop threads per worker
 * @param serverPid PID of the server process to probe (RSS, CPU), or 0
 * @param progressSeconds seconds between progress lines on stderr while connecting and holding; 0 for none
 * @param serverGc before the "before" and "subscribed" samples, run a full GC in the server with jcmd and record
 *     the heap in use after it (heap cost per connection without garbage)
 * @param jsonFile where to write the JSON result, or {@code null}
 * @param slowConsumers connections (in total) that stop reading once subscribed
 * @param slowReceiveBufferBytes SO_RCVBUF of the slow connections, so the server's buffers fill quickly
 * @param reconnectRounds connect everything this many times, closing all between rounds (TLS session resumption)
 * @param drainSeconds after the hold: slow connections read again for this long, to collect their ERROR frames
 * @param settleTimeoutSeconds bound on one round of connecting (until every connection is subscribed or failed)
 * @param connectTimeoutMillis TCP connect timeout per connection
 * @param fullDecode parse every DATA_BATCH with protobuf-java instead of the lean wire scan
 * @param workerJvmOptions JVM options of each worker process, comma-separated
 * @param workerIndex index of this worker (set by the coordinator)
 * @param workerCount workers in the run (set by the coordinator)
 */
public record LoadOptions(
        String host,
        int port,
        boolean tls,
        Path caFile,
        boolean insecure,
        String serverName,
        String username,
        String password,
        SubscriptionMode mode,
        List<String> symbols,
        int conflateMs,
        int connections,
        double connectRatePerSecond,
        int maxPendingConnects,
        int holdSeconds,
        long heartbeatIntervalMillis,
        int sourceAddresses,
        int workers,
        int maxConnectionsPerWorker,
        int ioThreads,
        long serverPid,
        int progressSeconds,
        boolean serverGc,
        Path jsonFile,
        int slowConsumers,
        int slowReceiveBufferBytes,
        int reconnectRounds,
        int drainSeconds,
        int settleTimeoutSeconds,
        int connectTimeoutMillis,
        boolean fullDecode,
        List<String> workerJvmOptions,
        int workerIndex,
        int workerCount) {

    /** Environment variable holding the password when {@code --password} is not given. */
    public static final String PASSWORD_ENV = "TICK_STORM_PASSWORD";
    /** Source addresses start here: 127.0.0.2, 127.0.0.3, ... (127.0.0.1 is left to everything else). */
    public static final int FIRST_SOURCE_HOST = 2;
    private static final int MAX_SOURCE_ADDRESSES = 250;

    public LoadOptions {
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("--port: " + port + " (expected 1..65535)");
        }
        if (caFile != null && insecure) {
            throw new IllegalArgumentException("--ca-file and --insecure exclude each other");
        }
        if (!tls && (caFile != null || insecure || serverName != null)) {
            throw new IllegalArgumentException("--no-tls contradicts --ca-file, --insecure and --server-name");
        }
        if (username.isEmpty()) {
            throw new IllegalArgumentException("--user is required");
        }
        if (password.isEmpty()) {
            throw new IllegalArgumentException("no password: set " + PASSWORD_ENV + " or use --password-stdin");
        }
        if (mode == null || mode == SubscriptionMode.SUBSCRIPTION_MODE_UNSPECIFIED
                || mode == SubscriptionMode.UNRECOGNIZED) {
            throw new IllegalArgumentException("--mode: SECOND, MINUTE or REALTIME");
        }
        symbols = List.copyOf(symbols);
        if (conflateMs != 0 && (mode != SubscriptionMode.REALTIME || conflateMs < 10 || conflateMs > 60_000)) {
            throw new IllegalArgumentException("--conflate-ms: " + conflateMs + " (expected 10..60000, with REALTIME)");
        }
        atLeast(connections, 1, "--connections");
        if (connectRatePerSecond < 0) {
            throw new IllegalArgumentException("--connect-rate: " + connectRatePerSecond + " (expected >= 0)");
        }
        atLeast(maxPendingConnects, 0, "--max-pending");
        atLeast(holdSeconds, 0, "--hold-seconds");
        if (heartbeatIntervalMillis < 0) {
            throw new IllegalArgumentException("--heartbeat-ms: " + heartbeatIntervalMillis + " (expected >= 0)");
        }
        if (sourceAddresses < 1 || sourceAddresses > MAX_SOURCE_ADDRESSES) {
            throw new IllegalArgumentException("--source-addresses: " + sourceAddresses + " (expected 1.."
                    + MAX_SOURCE_ADDRESSES + ")");
        }
        atLeast(workers, 0, "--workers");
        atLeast(maxConnectionsPerWorker, 1, "--max-per-worker");
        atLeast(ioThreads, 1, "--io-threads");
        if (serverPid < 0) {
            throw new IllegalArgumentException("--server-pid: " + serverPid);
        }
        atLeast(progressSeconds, 0, "--progress-seconds");
        if (serverGc && serverPid == 0) {
            throw new IllegalArgumentException("--server-gc needs --server-pid");
        }
        if (slowConsumers < 0 || slowConsumers >= connections) {
            throw new IllegalArgumentException("--slow: " + slowConsumers + " (expected 0.." + (connections - 1) + ")");
        }
        atLeast(slowReceiveBufferBytes, 1024, "--slow-rcvbuf");
        atLeast(reconnectRounds, 1, "--rounds");
        atLeast(drainSeconds, 0, "--drain-seconds");
        atLeast(settleTimeoutSeconds, 1, "--settle-timeout-seconds");
        atLeast(connectTimeoutMillis, 1, "--connect-timeout-ms");
        workerJvmOptions = List.copyOf(workerJvmOptions);
    }

    private static void atLeast(long value, long min, String flag) {
        if (value < min) {
            throw new IllegalArgumentException(flag + ": " + value + " (expected >= " + min + ")");
        }
    }

    /** Worker processes this run uses. */
    public int effectiveWorkers() {
        int needed = (connections + maxConnectionsPerWorker - 1) / maxConnectionsPerWorker;
        return Math.max(workers, needed);
    }

    /** Connections worker {@code index} of {@code count} opens: an even split, the first ones taking the remainder. */
    public int connectionsOf(int index, int count) {
        return connections / count + (index < connections % count ? 1 : 0);
    }

    /** Global index of the first connection of worker {@code index}, for source-address and role assignment. */
    public int firstConnectionOf(int index, int count) {
        int first = 0;
        for (int i = 0; i < index; i++) {
            first += connectionsOf(i, count);
        }
        return first;
    }

    /** The name used for SNI and hostname verification. */
    public String verifiedName() {
        return serverName != null ? serverName : host;
    }

    /** Interval between bar batches of the mode, in microseconds, or 0 for REALTIME (not periodic). */
    public long expectedIntervalMicros() {
        return switch (mode) {
            case SECOND -> 1_000_000L;
            case MINUTE -> 60_000_000L;
            default -> 0L;
        };
    }

    /** Parses {@code args} of a worker: {@code env} supplies {@value #PASSWORD_ENV}; no {@code --password-stdin}. */
    public static LoadOptions parse(String[] args, Map<String, String> env) {
        return parse(args, env, () -> {
            throw new IllegalArgumentException("--password-stdin: not here (a worker reads " + PASSWORD_ENV + ")");
        });
    }

    /**
     * Parses {@code args}; {@code env} supplies {@value #PASSWORD_ENV}, {@code stdinLine} the first line of standard
     * input for {@code --password-stdin} (called at most once, only with that flag).
     */
    public static LoadOptions parse(String[] args, Map<String, String> env, Supplier<String> stdinLine) {
        Parser p = new Parser(args);
        boolean passwordStdin = p.bool("--password-stdin", false);
        String password = passwordStdin ? stdinLine.get() : env.getOrDefault(PASSWORD_ENV, "");
        boolean noTls = p.bool("--no-tls", false);
        boolean tls = p.bool("--tls", true);
        if (noTls && p.given("--tls")) {
            throw new IllegalArgumentException("--tls and --no-tls contradict each other");
        }
        String symbols = p.string("--symbols", "");
        String caFile = p.string("--ca-file", "");
        String json = p.string("--json", "");
        String serverName = p.string("--server-name", "");
        String jvm = p.string("--worker-jvm", "-Xmx1g,-XX:+UseParallelGC");
        int connections = p.integer("--connections", 10);
        LoadOptions options = new LoadOptions(
                p.string("--host", "127.0.0.1"),
                p.integer("--port", 8080),
                tls && !noTls,
                caFile.isEmpty() ? null : Path.of(caFile),
                p.bool("--insecure", false),
                serverName.isEmpty() ? null : serverName,
                p.string("--user", ""),
                password,
                mode(p.string("--mode", "SECOND")),
                symbols.isEmpty() ? List.of() : Arrays.asList(symbols.split(",")),
                p.integer("--conflate-ms", 0),
                connections,
                p.decimal("--connect-rate", 0),
                p.integer("--max-pending", 1000),
                p.integer("--hold-seconds", 10),
                p.integer("--heartbeat-ms", 15_000),
                p.integer("--source-addresses", Math.max(1, (connections + 9_999) / 10_000)),
                p.integer("--workers", 0),
                p.integer("--max-per-worker", 15_000),
                p.integer("--io-threads", Runtime.getRuntime().availableProcessors()),
                serverPid(p.string("--server-pid", "0")),
                p.integer("--progress-seconds", 5),
                p.bool("--server-gc", false),
                json.isEmpty() ? null : Path.of(json),
                p.integer("--slow", 0),
                p.integer("--slow-rcvbuf", 4096),
                p.integer("--rounds", 1),
                p.integer("--drain-seconds", 0),
                p.integer("--settle-timeout-seconds", 120),
                p.integer("--connect-timeout-ms", 10_000),
                p.bool("--full-decode", false),
                jvm.isEmpty() ? List.of() : Arrays.asList(jvm.split(",")),
                p.integer("--worker-index", 0),
                p.integer("--worker-count", 1));
        p.requireAllUsed();
        return options;
    }

    /** One PID; a clear message for what a command substitution gives when it matched nothing or several. */
    private static long serverPid(String value) {
        String v = value.strip();
        if (v.isEmpty()) {
            throw new IllegalArgumentException("--server-pid: empty (did the command that finds it match nothing?"
                    + " e.g. pgrep -n -f tick-storm-server.jar)");
        }
        if (!v.matches("[0-9]+")) {
            throw new IllegalArgumentException("--server-pid: '" + value + "' is not one PID" + (v.matches("[0-9\\s]+")
                    ? " (several processes matched: pgrep -n picks the newest)" : ""));
        }
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--server-pid: '" + value + "' is out of range", e);
        }
    }

    private static SubscriptionMode mode(String name) {
        try {
            return SubscriptionMode.valueOf(name.toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--mode: '" + name + "' (expected SECOND, MINUTE or REALTIME)", e);
        }
    }

    /** One line per flag, for {@code --help}. */
    public static String usage() {
        return String.join("\n",
                "usage: java -jar tick-storm-bench.jar [flags]    (JMH: java -cp tick-storm-bench.jar "
                        + "org.openjdk.jmh.Main)",
                "  --host ADDR (127.0.0.1)  --port N (8080)  --no-tls (TLS is on by default, as for the server and the"
                        + " CLI)",
                "  --ca-file PEM (default: the JDK's trust store) | --insecure (any certificate)",
                "  --server-name NAME (--host)  --user NAME",
                "  the password: env " + PASSWORD_ENV + ", or --password-stdin (first line of stdin, e.g. < FILE);"
                        + " never --password",
                "  --mode SECOND|MINUTE|REALTIME (SECOND)  --symbols A,B,C (all)  --conflate-ms MS (0: REALTIME not "
                        + "conflated)",
                "  --connections N (10)  --connect-rate PER_S (0 = as fast as possible)  --max-pending N (1000/worker)",
                "  --hold-seconds S (10)  --heartbeat-ms MS (15000, 0 = off)  --rounds N (1; >1 reconnects all)",
                "  --source-addresses K (1 per 10,000 connections: 127.0.0.2..)  --workers W (auto)",
                "  --max-per-worker N (15000)  --io-threads N (cores)  --worker-jvm OPT,OPT (-Xmx1g,-XX:+UseParallelGC)",
                "  --slow N (0: connections that stop reading)  --slow-rcvbuf BYTES (4096)  --drain-seconds S (0)",
                "  --server-pid PID (probe the server's RSS and CPU),",
                "      e.g. \"$(pgrep -n -f tick-storm-server.jar)\", \"$!\" after starting it, or"
                        + " \"$(cat server.pid)\"",
                "  --server-gc (jcmd GC.run: heap per connection)",
                "  --json FILE (also write the report as JSON; stdout has the table only)  --full-decode",
                "  --progress-seconds S (5: a progress line on stderr every S seconds; 0 = none)",
                "  --settle-timeout-seconds S (120)  --connect-timeout-ms MS (10000)",
                "  --version (print the version and exit)  --help");
    }

    /** Flag reader: {@code --flag value} pairs and bare boolean flags; the last occurrence wins. */
    private static final class Parser {
        private final Map<String, String> values = new java.util.HashMap<>();
        private final List<String> unused = new ArrayList<>();

        Parser(String[] args) {
            for (int i = 0; i < args.length; i++) {
                String flag = args[i];
                if (!flag.startsWith("--")) {
                    throw new IllegalArgumentException("unexpected argument '" + flag + "'\n" + usage());
                }
                if (flag.equals("--password") || flag.startsWith("--password=")) {
                    throw new IllegalArgumentException("--password is not accepted: a password in the arguments shows"
                            + " in ps and shell history; set " + PASSWORD_ENV + " or use --password-stdin");
                }
                boolean hasValue = i + 1 < args.length && !args[i + 1].startsWith("--");
                values.put(flag, hasValue ? args[++i] : "true");
            }
            unused.addAll(values.keySet());
        }

        boolean given(String flag) {
            return values.containsKey(flag);
        }

        String string(String flag, String fallback) {
            unused.remove(flag);
            return values.getOrDefault(flag, fallback);
        }

        int integer(String flag, long fallback) {
            String value = string(flag, Long.toString(fallback));
            try {
                return Math.toIntExact(Long.parseLong(value));
            } catch (NumberFormatException | ArithmeticException e) {
                throw new IllegalArgumentException(flag + ": '" + value + "' is not an integer", e);
            }
        }

        double decimal(String flag, double fallback) {
            String value = string(flag, Double.toString(fallback));
            try {
                return Double.parseDouble(value);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(flag + ": '" + value + "' is not a number", e);
            }
        }

        boolean bool(String flag, boolean fallback) {
            String value = string(flag, Boolean.toString(fallback));
            if (!value.equals("true") && !value.equals("false")) {
                throw new IllegalArgumentException(flag + ": '" + value + "' (expected true or false)");
            }
            return Boolean.parseBoolean(value);
        }

        void requireAllUsed() {
            if (!unused.isEmpty()) {
                throw new IllegalArgumentException("unknown flag(s) " + unused + "\n" + usage());
            }
        }
    }
}

package io.tickstorm.protocol.cli;

import io.tickstorm.protocol.client.TickClient;
import io.tickstorm.protocol.client.ServerAddress;
import io.tickstorm.protocol.client.TickClientOptions;
import io.tickstorm.protocol.proto.SubscriptionMode;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The parsed command line of {@link TickClientCli}. Flags take their value as the next argument or after {@code =}.
 *
 * @param addresses the servers, in the order tried: every {@code --host} entry (repeated flags and comma-separated
 *     lists add up), each with its own {@code :PORT} or {@code --port}
 * @param reconnect whether to reconnect and resume after the session ends ({@code --reconnect})
 * @param user {@code null} when not given (the environment may supply it)
 * @param count stop after this many data batches, the snapshot included; 0 for no limit
 * @param duration stop after streaming this long, or {@code null} for no limit
 * @param conflate a conflated REALTIME subscription at this interval (PROTOCOL.md §5.6), or {@code null} for none
 */
record CliArguments(
        boolean help,
        boolean version,
        List<ServerAddress> addresses,
        boolean reconnect,
        boolean tls,
        Path caFile,
        boolean insecure,
        Path certFile,
        Path keyFile,
        String serverName,
        String user,
        boolean passwordStdin,
        String clientId,
        SubscriptionMode mode,
        List<String> symbols,
        long startTimeMs,
        long count,
        Duration duration,
        TickFormat format,
        Duration conflate) {

    static final String DEFAULT_CLIENT_ID = "tick-storm-cli";

    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h)?");
    private static final Pattern CONFLATE = Pattern.compile("(\\d+)(ms|s)?");

    static CliArguments parse(String[] args) throws CliUsageException {
        return parse(args, Instant.now());
    }

    /** @param now the time relative {@code --start-time} values count back from */
    static CliArguments parse(String[] args, Instant now) throws CliUsageException {
        Parser parser = new Parser(args, now);
        parser.run();
        return parser.result();
    }

    /** Mutable state of one parse. */
    private static final class Parser {
        private final String[] args;
        private final Instant now;
        private int index;
        private boolean help;
        private boolean version;
        private final List<String> hosts = new ArrayList<>();
        private boolean reconnect;
        private int port = TickClientOptions.DEFAULT_PORT;
        private boolean tls = TickClientOptions.DEFAULT_TLS;
        private Path caFile;
        private boolean insecure;
        private Path certFile;
        private Path keyFile;
        private String serverName;
        private String user;
        private boolean passwordStdin;
        private String clientId = DEFAULT_CLIENT_ID;
        private SubscriptionMode mode = SubscriptionMode.SECOND;
        private List<String> symbols = List.of();
        private long startTimeMs;
        private long count;
        private Duration duration;
        private TickFormat format = TickFormat.TEXT;
        private Duration conflate;

        Parser(String[] args, Instant now) {
            this.args = args;
            this.now = now;
        }

        void run() throws CliUsageException {
            while (index < args.length) {
                String arg = args[index++];
                String name = arg;
                String inlineValue = null;
                int equals = arg.indexOf('=');
                if (arg.startsWith("--") && equals > 0) {
                    name = arg.substring(0, equals);
                    inlineValue = arg.substring(equals + 1);
                }
                if (name.equals("--password")) {
                    throw new CliUsageException("--password is not accepted: a password in the arguments shows in ps"
                            + " and shell history; set TICK_STORM_PASSWORD, use --password-stdin or type it at the"
                            + " prompt");
                }
                if (isSwitch(name)) {
                    if (inlineValue != null) {
                        throw new CliUsageException(name + " takes no value");
                    }
                    applySwitch(name);
                } else {
                    applyOption(name, inlineValue != null ? inlineValue : value(name));
                }
            }
            if (insecure && caFile != null) {
                throw new CliUsageException("--insecure and --ca-file contradict each other");
            }
            if ((certFile == null) != (keyFile == null)) {
                throw new CliUsageException("--cert and --key go together");
            }
            if (conflate != null && (mode != SubscriptionMode.REALTIME || startTimeMs != 0)) {
                throw new CliUsageException("--conflate needs --mode realtime and no --start-time");
            }
        }

        private static boolean isSwitch(String name) {
            return switch (name) {
                case "-h", "--help", "--version", "--reconnect", "--tls", "--no-tls", "--insecure", "--password-stdin",
                        "--json" -> true;
                default -> false;
            };
        }

        private void applySwitch(String name) {
            switch (name) {
                case "-h", "--help" -> help = true;
                case "--version" -> version = true;
                case "--reconnect" -> reconnect = true;
                case "--tls" -> tls = true;
                case "--no-tls" -> tls = false;
                case "--insecure" -> insecure = true;
                case "--password-stdin" -> passwordStdin = true;
                case "--json" -> format = TickFormat.JSON;
                default -> throw new IllegalStateException("not a switch: " + name);
            }
        }

        private String value(String name) throws CliUsageException {
            if (!name.startsWith("--")) {
                throw new CliUsageException("unexpected argument: " + name);
            }
            if (index >= args.length) {
                throw new CliUsageException(name + " needs a value");
            }
            return args[index++];
        }

        private void applyOption(String name, String value) throws CliUsageException {
            switch (name) {
                case "--host" -> hosts.add(value);
                case "--port" -> port = (int) number(name, value, 1, 65_535);
                case "--ca-file" -> caFile = Path.of(value);
                case "--cert" -> certFile = Path.of(value);
                case "--key" -> keyFile = Path.of(value);
                case "--server-name" -> serverName = value;
                case "--user" -> user = value;
                case "--client-id" -> clientId = value;
                case "--mode" -> mode = mode(value);
                case "--symbols" -> symbols = symbols(value);
                case "--start-time" -> startTimeMs = StartTimeParser.parse(value, now);
                case "--count" -> count = number(name, value, 1, Long.MAX_VALUE);
                case "--duration" -> duration = duration(value);
                case "--conflate" -> conflate = conflate(value);
                default -> throw new CliUsageException("unknown option: " + name);
            }
        }

        private static long number(String name, String value, long min, long max) throws CliUsageException {
            try {
                long number = Long.parseLong(value);
                if (number >= min && number <= max) {
                    return number;
                }
            } catch (NumberFormatException e) {
                throw new CliUsageException(name + ": not a number: " + value);
            }
            throw new CliUsageException(name + ": " + value + " is outside " + min + ".." + max);
        }

        private static SubscriptionMode mode(String value) throws CliUsageException {
            return switch (value.toLowerCase(Locale.ROOT)) {
                case "second" -> SubscriptionMode.SECOND;
                case "minute" -> SubscriptionMode.MINUTE;
                case "realtime" -> SubscriptionMode.REALTIME;
                default -> throw new CliUsageException("--mode: expected second, minute or realtime, not " + value);
            };
        }

        private static List<String> symbols(String value) {
            List<String> list = new ArrayList<>();
            for (String symbol : value.split(",")) {
                if (!symbol.isBlank()) {
                    // The protocol's symbols are upper case (§5.2): "aapl" means AAPL.
                    list.add(symbol.trim().toUpperCase(Locale.ROOT));
                }
            }
            return List.copyOf(list);
        }

        private static Duration duration(String value) throws CliUsageException {
            Matcher matcher = DURATION.matcher(value);
            if (!matcher.matches()) {
                throw new CliUsageException("--duration: expected a number with ms, s, m or h (e.g. 10s), not "
                        + value);
            }
            long amount;
            try {
                amount = Long.parseLong(matcher.group(1));
            } catch (NumberFormatException e) {
                throw new CliUsageException("--duration: too large: " + value);
            }
            if (amount == 0) {
                throw new CliUsageException("--duration: must be more than 0");
            }
            String unit = matcher.group(2) == null ? "s" : matcher.group(2);
            try {
                return switch (unit) {
                    case "ms" -> Duration.ofMillis(amount);
                    case "m" -> Duration.ofMinutes(amount);
                    case "h" -> Duration.ofHours(amount);
                    default -> Duration.ofSeconds(amount);
                };
            } catch (ArithmeticException e) {
                throw new CliUsageException("--duration: too large: " + value);
            }
        }

        /** A conflation interval: a number with ms or s; a bare number is milliseconds, as conflate_ms is. */
        private static Duration conflate(String value) throws CliUsageException {
            Matcher matcher = CONFLATE.matcher(value);
            if (!matcher.matches() || matcher.group(1).length() > 9) {
                throw new CliUsageException("--conflate: expected milliseconds or a number with ms or s (e.g. 500ms, "
                        + "2s), not " + value);
            }
            long amount = Long.parseLong(matcher.group(1));
            Duration interval = "s".equals(matcher.group(2)) ? Duration.ofSeconds(amount) : Duration.ofMillis(amount);
            try {
                TickClient.conflateMs(interval);
            } catch (IllegalArgumentException e) {
                throw new CliUsageException("--conflate: " + value + " is outside "
                        + TickClient.MIN_CONFLATION.toMillis() + "ms.." + TickClient.MAX_CONFLATION.toSeconds() + "s");
            }
            return interval;
        }

        private List<ServerAddress> addresses() throws CliUsageException {
            List<ServerAddress> list = new ArrayList<>();
            try {
                for (String value : hosts.isEmpty() ? List.of(TickClientOptions.DEFAULT_HOST) : hosts) {
                    list.addAll(ServerAddress.parseList(value, port));
                }
            } catch (IllegalArgumentException e) {
                throw new CliUsageException("--host: " + e.getMessage());
            }
            if (list.isEmpty()) {
                throw new CliUsageException("--host: no address given");
            }
            return List.copyOf(list);
        }

        CliArguments result() throws CliUsageException {
            return new CliArguments(help, version, addresses(), reconnect, tls, caFile, insecure, certFile, keyFile,
                    serverName, user, passwordStdin, clientId, mode, symbols, startTimeMs, count, duration, format,
                    conflate);
        }
    }
}

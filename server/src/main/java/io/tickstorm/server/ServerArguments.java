package io.tickstorm.server;

import java.util.Arrays;

/**
 * What the server's command line asks for: run the server (no arguments; it is configured by environment
 * variables), print the help or the version, or run a subcommand with the rest of the arguments. Anything else is a usage error
 * naming the argument.
 *
 * @param command what to do
 * @param rest    the subcommand's own arguments (empty otherwise)
 */
record ServerArguments(Command command, String[] rest) {

    enum Command { RUN, HELP, VERSION, HASH_PASSWORD, PUBLISH }

    /**
     * @throws IllegalArgumentException naming the first argument that is not understood
     */
    static ServerArguments parse(String[] args) {
        if (args.length == 0) {
            return new ServerArguments(Command.RUN, new String[0]);
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        switch (args[0]) {
            case "hash-password":
                return new ServerArguments(Command.HASH_PASSWORD, rest);
            case "publish":
                return new ServerArguments(Command.PUBLISH, rest);
            case "--version":
                if (rest.length > 0) {
                    throw new IllegalArgumentException("unexpected argument after " + args[0] + ": '" + rest[0] + "'");
                }
                return new ServerArguments(Command.VERSION, rest);
            case "--help", "-h", "help":
                if (rest.length > 0) {
                    throw new IllegalArgumentException("unexpected argument after " + args[0] + ": '" + rest[0] + "'");
                }
                return new ServerArguments(Command.HELP, rest);
            default:
                throw new IllegalArgumentException("unknown argument '" + args[0] + "' (the server is configured by "
                        + "environment variables, not options)");
        }
    }
}

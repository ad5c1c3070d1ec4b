package io.tickstorm.protocol.cli;

/** A command line that cannot be run as given (exit code 2); the message says what to change. */
final class CliUsageException extends Exception {

    private static final long serialVersionUID = 1L;

    CliUsageException(String message) {
        super(message);
    }
}

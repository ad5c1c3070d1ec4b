package io.tickstorm.server.auth;

/**
 * The credentials file cannot be used: unreadable, not UTF-8, or a malformed line. The message names the file and,
 * for a bad line, its number; it never contains a hash or a password. At startup this stops the server; on reload
 * the previous credentials stay in force.
 */
public final class CredentialsFileException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** A problem with the file as a whole. */
    public CredentialsFileException(String message, Throwable cause) {
        super(message, cause);
    }

    /** A problem with one line. */
    public CredentialsFileException(String message) {
        super(message);
    }
}

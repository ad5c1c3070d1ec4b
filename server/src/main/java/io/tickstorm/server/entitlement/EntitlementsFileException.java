package io.tickstorm.server.entitlement;

/** The entitlements file cannot be read or parsed; the message names the file and, for a bad line, the line. */
public final class EntitlementsFileException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public EntitlementsFileException(String message) {
        super(message);
    }

    public EntitlementsFileException(String message, Throwable cause) {
        super(message, cause);
    }
}

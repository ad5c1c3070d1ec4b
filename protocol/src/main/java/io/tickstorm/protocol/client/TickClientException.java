package io.tickstorm.protocol.client;

import io.tickstorm.protocol.proto.ErrorCode;
import io.tickstorm.protocol.proto.ErrorResponse;
import java.util.Objects;

/**
 * A request or connection that did not succeed. {@link #code()} is the server's {@link ErrorCode} when the server
 * refused with an ERROR, and {@link ErrorCode#ERROR_CODE_UNSPECIFIED} for local failures (connect, TLS, timeout, a
 * close without ERROR), in which case the cause, if any, says more.
 */
public final class TickClientException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient ErrorCode code;
    private final String serverMessage;
    private final String details;
    private final boolean fromServer;

    /** The server's refusal. */
    public TickClientException(ErrorResponse error) {
        super(describe(error));
        this.code = error.getCode();
        this.serverMessage = error.getMessage();
        this.details = error.getDetails();
        this.fromServer = true;
    }

    /** A local failure. */
    public TickClientException(String message, Throwable cause) {
        super(Objects.requireNonNull(message, "message"), cause);
        this.code = ErrorCode.ERROR_CODE_UNSPECIFIED;
        this.serverMessage = "";
        this.details = "";
        this.fromServer = false;
    }

    /** A local failure without an underlying exception. */
    public TickClientException(String message) {
        this(message, null);
    }

    private static String describe(ErrorResponse error) {
        String text = error.getCode().name() + ": " + error.getMessage();
        return error.getDetails().isEmpty() ? text : text + " (" + error.getDetails() + ")";
    }

    /** The server's error code, or {@code ERROR_CODE_UNSPECIFIED} for a local failure. */
    public ErrorCode code() {
        return code;
    }

    /** Whether this reports an ERROR sent by the server (as opposed to a local failure). */
    public boolean fromServer() {
        return fromServer;
    }

    /** The ERROR's human-readable message; empty for a local failure. */
    public String serverMessage() {
        return serverMessage;
    }

    /** The ERROR's details (e.g. the offending field); empty if none. */
    public String details() {
        return details;
    }
}

package io.tickstorm.protocol.client;

import io.tickstorm.protocol.proto.ErrorCode;
import io.tickstorm.protocol.proto.ErrorResponse;
import java.util.Objects;

/**
 * A request or connection that did not succeed. {@link #code()} is the server's {@link ErrorCode} when the server
 * refused with an ERROR, and {@link ErrorCode#ERROR_CODE_UNSPECIFIED} for local failures (connect, TLS, timeout, a
 * close without ERROR), in which case {@link #kind()} says at which layer it failed and the cause, if any, says more.
 */
public final class TickClientException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** The layer at which a connection or request failed. */
    public enum Kind {
        /** The server answered with an ERROR frame ({@link #code()} holds its code). */
        SERVER_ERROR,
        /** The TCP connect failed, or the connection broke or closed without an ERROR, or a request timed out. */
        CONNECTION,
        /** The TLS handshake or a TLS record failed: certificates, trust, a TLS alert from the server. */
        TLS,
        /** TLS is on but the server answered in plain TCP (its first bytes are the frame magic F5 7D). */
        SERVER_SPEAKS_PLAIN,
        /** TLS is off but the server answered with a TLS record (0x14-0x17 0x03: an alert or handshake). */
        SERVER_SPEAKS_TLS,
        /**
         * TLS is off and the server closed the connection before answering AUTH without sending a single byte: what
         * a TLS server does when a plain-TCP client writes a frame to it (the likely cause, though not proven).
         */
        CLOSED_BEFORE_AUTH
    }

    private final Kind kind;
    private final transient ErrorCode code;
    private final String serverMessage;
    private final String details;
    private final boolean fromServer;

    /** The server's refusal. */
    public TickClientException(ErrorResponse error) {
        super(describe(error));
        this.kind = Kind.SERVER_ERROR;
        this.code = error.getCode();
        this.serverMessage = error.getMessage();
        this.details = error.getDetails();
        this.fromServer = true;
    }

    /** A local failure at the {@link Kind#CONNECTION} layer. */
    public TickClientException(String message, Throwable cause) {
        this(Kind.CONNECTION, message, cause);
    }

    /** A local failure at the given layer (not {@link Kind#SERVER_ERROR}). */
    public TickClientException(Kind kind, String message, Throwable cause) {
        super(Objects.requireNonNull(message, "message"), cause);
        if (kind == Kind.SERVER_ERROR) {
            throw new IllegalArgumentException("kind: SERVER_ERROR needs the server's ErrorResponse");
        }
        this.kind = kind;
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

    /** The layer at which this failed. */
    public Kind kind() {
        return kind;
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

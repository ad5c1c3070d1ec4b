package io.tickstorm.protocol.codec;

import io.netty.handler.codec.DecoderException;
import io.tickstorm.protocol.proto.ErrorCode;
import java.util.Objects;

/**
 * A violation of the wire protocol by the peer, with the {@link ErrorCode} to report to it.
 *
 * <p>These are expected conditions on a public port, so no stack trace is captured. Extends {@link DecoderException}
 * so that Netty's decoders propagate it unwrapped.
 */
public final class ProtocolException extends DecoderException {

    private static final long serialVersionUID = 1L;

    private final transient ErrorCode code;
    private final String details;

    public ProtocolException(ErrorCode code, String message) {
        this(code, message, "");
    }

    public ProtocolException(ErrorCode code, String message, String details) {
        super(message);
        this.code = Objects.requireNonNull(code, "code");
        this.details = Objects.requireNonNull(details, "details");
    }

    /** The code sent in the ERROR frame. */
    public ErrorCode code() {
        return code;
    }

    /** Machine-oriented details for the ERROR frame (e.g. the offending field), possibly empty. */
    public String details() {
        return details;
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
        return this;
    }
}

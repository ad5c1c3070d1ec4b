package io.tickstorm.server.fanout;

/**
 * A SUBSCRIBE that cannot be served (PROTOCOL.md §5.2): answered with INVALID_SUBSCRIPTION whose details name the
 * offending field; the connection stays open. An expected condition, so no stack trace.
 */
public class SubscriptionRejectedException extends Exception {

    private static final long serialVersionUID = 1L;

    private final String field;

    public SubscriptionRejectedException(String field, String message) {
        super(message);
        this.field = field;
    }

    /** The request field at fault: {@code mode}, {@code symbols} or {@code start_time_ms}. */
    public String field() {
        return field;
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
        return this;
    }
}

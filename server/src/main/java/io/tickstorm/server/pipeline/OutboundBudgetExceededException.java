package io.tickstorm.server.pipeline;

/**
 * Fails a write that {@link SlowConsumerGuard} refused because it would take the connection past its outbound
 * budget (PROTOCOL.md §5.8). An expected condition on a connection that is already being closed, so one shared
 * instance without a stack trace.
 */
public final class OutboundBudgetExceededException extends RuntimeException {

    static final OutboundBudgetExceededException INSTANCE = new OutboundBudgetExceededException();

    private static final long serialVersionUID = 1L;

    private OutboundBudgetExceededException() {
        super("outbound budget exceeded", null, false, false);
    }
}

package io.tickstorm.server.fanout;

/**
 * A SUBSCRIBE refused for want of entitlement (PROTOCOL.md §5.2, §5.11): INVALID_SUBSCRIPTION whose details name
 * the symbol the user is not entitled to (or the field, {@code symbols}, when the user is entitled to nothing and
 * asked for every symbol). The connection stays open.
 */
public final class SubscriptionDeniedException extends SubscriptionRejectedException {

    private static final long serialVersionUID = 1L;

    private final String symbol;

    /** @param symbol the symbol outside the entitlements, or empty when the user is entitled to no symbol */
    public SubscriptionDeniedException(String symbol, String message) {
        super("symbols", message);
        this.symbol = symbol;
    }

    /** The symbol outside the entitlements, or empty when the user is entitled to no symbol. */
    public String symbol() {
        return symbol;
    }

    /** What the ERROR's details name: the symbol, or the field when there is none. */
    public String details() {
        return symbol.isEmpty() ? field() : symbol;
    }
}

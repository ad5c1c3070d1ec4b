package io.tickstorm.server.config;

import com.typesafe.config.Config;

/**
 * What an unauthenticated connection may make the server hold (PROTOCOL.md §2 and §5.1).
 *
 * @param maxPayloadBytes   largest frame payload accepted before AUTH succeeds; a larger length field is
 *                          MESSAGE_TOO_LARGE, decided on the header alone ({@code PRE_AUTH_MAX_PAYLOAD_BYTES})
 * @param bufferBudgetBytes bytes all unauthenticated connections together may have sent and the server not yet
 *                          consumed; 0 derives it from the direct-memory budget, see {@link #budgetBytes(long)}
 *                          ({@code PRE_AUTH_BUFFER_BUDGET_BYTES})
 */
public record PreAuthConfig(int maxPayloadBytes, long bufferBudgetBytes) {

    public static final String MAX_PAYLOAD_KEY = "tick-storm.pre-auth.max-payload-bytes";
    public static final String BUDGET_KEY = "tick-storm.pre-auth.buffer-budget";

    /** Smallest pre-auth limit: an AuthRequest with a long user name, password and client id still fits. */
    public static final int MIN_PAYLOAD_BYTES = 512;

    /** The derived budget is this fraction of the direct-memory budget: 1/8. */
    public static final int DERIVED_BUDGET_DIVISOR = 8;

    /** The derived budget never goes below this, so logins keep working on a tiny direct-memory budget. */
    public static final long MIN_DERIVED_BUDGET_BYTES = 1L << 20;

    public PreAuthConfig {
        if (maxPayloadBytes < MIN_PAYLOAD_BYTES) {
            throw new IllegalArgumentException(MAX_PAYLOAD_KEY + " must be at least " + MIN_PAYLOAD_BYTES + ", got "
                    + maxPayloadBytes);
        }
        if (bufferBudgetBytes < 0) {
            throw new IllegalArgumentException(BUDGET_KEY + " must not be negative, got " + bufferBudgetBytes);
        }
    }

    /**
     * The budget in force: the configured one, or an eighth of {@code directMemoryBytes} (at least 1 MiB). An
     * eighth leaves the rest for the subscribers' outbound buffers even when the allocator rounds every held
     * buffer up to twice its content.
     */
    public long budgetBytes(long directMemoryBytes) {
        if (bufferBudgetBytes > 0) {
            return bufferBudgetBytes;
        }
        return Math.max(MIN_DERIVED_BUDGET_BYTES, directMemoryBytes / DERIVED_BUDGET_DIVISOR);
    }

    public static PreAuthConfig from(Config root) {
        return new PreAuthConfig(Settings.intBytes(root, MAX_PAYLOAD_KEY), Settings.bytes(root, BUDGET_KEY));
    }
}

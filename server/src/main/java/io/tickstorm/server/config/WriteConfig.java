package io.tickstorm.server.config;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * Slow-consumer protection (PROTOCOL.md §5.8).
 *
 * @param outboundBudgetBytes unsent bytes a connection may hold before it is closed as SLOW_CONSUMER
 * @param highWaterMarkBytes Netty's write-buffer high water mark (low water is half); above it a channel is
 *     unwritable
 * @param deadline how long a channel may stay unwritable before it is closed as SLOW_CONSUMER
 * @param totalBudgetBytes direct memory queued data may take on the whole server before the largest queues are closed
 *     as SLOW_CONSUMER, one by one; 0 derives it from the direct-memory budget, see {@link #totalBudgetBytes(long)}
 */
public record WriteConfig(long outboundBudgetBytes, int highWaterMarkBytes, Duration deadline,
        long totalBudgetBytes) {

    public static final String BUDGET_KEY = "tick-storm.write.outbound-budget";
    public static final String HIGH_WATER_KEY = "tick-storm.write.high-water-mark";
    public static final String DEADLINE_KEY = "tick-storm.write.deadline";
    public static final String TOTAL_BUDGET_KEY = "tick-storm.write.total-budget";
    /** The derived total budget is this fraction of the direct-memory budget: 1/2. */
    public static final int DERIVED_TOTAL_BUDGET_DIVISOR = 2;

    public WriteConfig {
        if (highWaterMarkBytes < 2) {
            throw new IllegalArgumentException(HIGH_WATER_KEY + " must be at least 2 bytes, got " + highWaterMarkBytes);
        }
        if (outboundBudgetBytes < highWaterMarkBytes) {
            throw new IllegalArgumentException(BUDGET_KEY + " (" + outboundBudgetBytes + ") must be at least "
                    + HIGH_WATER_KEY + " (" + highWaterMarkBytes + ")");
        }
        Settings.requirePositive(DEADLINE_KEY, deadline);
        if (totalBudgetBytes < 0) {
            throw new IllegalArgumentException(TOTAL_BUDGET_KEY + " must not be negative, got " + totalBudgetBytes);
        }
    }

    /** The total budget: as configured, or half the direct-memory budget (never below one connection's budget). */
    public long totalBudgetBytes(long directMemoryBytes) {
        if (totalBudgetBytes > 0) {
            return totalBudgetBytes;
        }
        return Math.max(outboundBudgetBytes, directMemoryBytes / DERIVED_TOTAL_BUDGET_DIVISOR);
    }

    public int lowWaterMarkBytes() {
        return highWaterMarkBytes / 2;
    }

    public static WriteConfig from(Config root) {
        return new WriteConfig(Settings.bytes(root, BUDGET_KEY),
                Settings.intBytes(root, HIGH_WATER_KEY), Settings.duration(root, DEADLINE_KEY),
                Settings.bytes(root, TOTAL_BUDGET_KEY));
    }
}

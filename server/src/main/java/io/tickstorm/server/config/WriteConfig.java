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
 */
public record WriteConfig(long outboundBudgetBytes, int highWaterMarkBytes, Duration deadline) {

    public static final String BUDGET_KEY = "tick-storm.write.outbound-budget";
    public static final String HIGH_WATER_KEY = "tick-storm.write.high-water-mark";
    public static final String DEADLINE_KEY = "tick-storm.write.deadline";

    public WriteConfig {
        if (highWaterMarkBytes < 2) {
            throw new IllegalArgumentException(HIGH_WATER_KEY + " must be at least 2 bytes, got " + highWaterMarkBytes);
        }
        if (outboundBudgetBytes < highWaterMarkBytes) {
            throw new IllegalArgumentException(BUDGET_KEY + " (" + outboundBudgetBytes + ") must be at least "
                    + HIGH_WATER_KEY + " (" + highWaterMarkBytes + ")");
        }
        Settings.requirePositive(DEADLINE_KEY, deadline);
    }

    public int lowWaterMarkBytes() {
        return highWaterMarkBytes / 2;
    }

    public static WriteConfig from(Config root) {
        return new WriteConfig(Settings.bytes(root, BUDGET_KEY),
                Settings.intBytes(root, HIGH_WATER_KEY), Settings.duration(root, DEADLINE_KEY));
    }
}

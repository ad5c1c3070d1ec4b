package io.tickstorm.server.config;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * Heartbeat rules (PROTOCOL.md §5.4): the interval clients are told to use and the deadline the server enforces.
 *
 * @param interval sent to the client in the AUTH ACK's metadata
 * @param timeout no HEARTBEAT within this long after AUTH or the previous HEARTBEAT closes the connection
 */
public record HeartbeatConfig(Duration interval, Duration timeout) {

    public static final String INTERVAL_KEY = "tick-storm.heartbeat.interval";
    public static final String TIMEOUT_KEY = "tick-storm.heartbeat.timeout";

    public HeartbeatConfig {
        Settings.requirePositive(INTERVAL_KEY, interval);
        Settings.requirePositive(TIMEOUT_KEY, timeout);
        if (timeout.compareTo(interval) <= 0) {
            throw new IllegalArgumentException(TIMEOUT_KEY + " (" + timeout.toMillis() + " ms) must be longer than "
                    + INTERVAL_KEY + " (" + interval.toMillis() + " ms)");
        }
    }

    public static HeartbeatConfig from(Config root) {
        return new HeartbeatConfig(Settings.duration(root, INTERVAL_KEY), Settings.duration(root, TIMEOUT_KEY));
    }
}

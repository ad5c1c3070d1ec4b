package io.tickstorm.server.config;

import com.typesafe.config.Config;

/**
 * The inbound frame rate of one connection (PROTOCOL.md §5.8): above it, ERROR 12 RATE_LIMITED and close.
 *
 * @param frameRatePerSecond frames per second a connection may send on average; 0 = unlimited
 * @param frameBurst frames a connection may send at once before the rate applies
 */
public record InboundConfig(int frameRatePerSecond, int frameBurst) {

    public static final String RATE_KEY = "tick-storm.inbound.frame-rate";
    public static final String BURST_KEY = "tick-storm.inbound.frame-burst";

    public InboundConfig {
        if (frameRatePerSecond < 0) {
            throw new IllegalArgumentException(RATE_KEY + " must be >= 0 (0 = unlimited), got " + frameRatePerSecond);
        }
        if (frameBurst < 1) {
            throw new IllegalArgumentException(BURST_KEY + " must be at least 1, got " + frameBurst);
        }
    }

    /** Whether a rate applies at all. */
    public boolean limited() {
        return frameRatePerSecond > 0;
    }

    public static InboundConfig from(Config root) {
        return new InboundConfig(Settings.integer(root, RATE_KEY), Settings.integer(root, BURST_KEY));
    }
}

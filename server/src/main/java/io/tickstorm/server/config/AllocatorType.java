package io.tickstorm.server.config;

import java.util.Locale;

/**
 * The Netty buffer allocator the server's channels and fan-out use ({@code tick-storm.allocator}); the measurements
 * behind the default are in {@code bench/results/attacks-h1a.md}.
 */
public enum AllocatorType {
    /** {@code PooledByteBufAllocator}: arenas of chunks, a chunk freed once nothing in it is in use. */
    POOLED,
    /** {@code AdaptiveByteBufAllocator}, Netty 4.2's own default. */
    ADAPTIVE,
    /** {@code UnpooledByteBufAllocator}: every buffer allocated and freed on its own. */
    UNPOOLED;

    public static final String KEY = "tick-storm.allocator";

    /** The configuration value, e.g. {@code pooled}. */
    public String configValue() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code pooled}, {@code adaptive} or {@code unpooled} (any case). */
    public static AllocatorType parse(String value) {
        for (AllocatorType type : values()) {
            if (type.configValue().equalsIgnoreCase(value.trim())) {
                return type;
            }
        }
        throw new IllegalArgumentException(KEY + " must be pooled, adaptive or unpooled, got \"" + value + "\"");
    }
}

package io.tickstorm.server.config;

import io.netty.buffer.AdaptiveByteBufAllocator;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.internal.PlatformDependent;
import java.util.Locale;

/**
 * The Netty buffer allocator of the server's channels ({@code tick-storm.allocator}), chosen by configuration rather
 * than by Netty's global default because whether memory comes back after a flood of connections depends on it: the
 * measurements behind the default are in {@code bench/results/attacks-h1a.md}.
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

    /**
     * The JVM-wide instance of this allocator: a pool's chunks outlive any one server (there is no way to free them),
     * so servers started one after another in one JVM (tests) share a pool instead of each leaving one behind.
     */
    public ByteBufAllocator allocator() {
        return switch (this) {
            case POOLED -> PooledByteBufAllocator.DEFAULT;
            case ADAPTIVE -> SharedAdaptive.INSTANCE;
            case UNPOOLED -> UnpooledByteBufAllocator.DEFAULT;
        };
    }

    /** Netty has no shared adaptive instance unless it is the configured global default; created on first use. */
    private static final class SharedAdaptive {
        static final ByteBufAllocator INSTANCE = new AdaptiveByteBufAllocator(PlatformDependent.directBufferPreferred());
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

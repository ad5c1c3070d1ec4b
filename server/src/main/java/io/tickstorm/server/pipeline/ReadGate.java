package io.tickstorm.server.pipeline;

import io.netty.channel.Channel;
import io.netty.util.AttributeKey;

/**
 * The one owner of a connection's {@code autoRead} once it is active: reading stops while any {@link Reason} holds
 * it closed and resumes only when the last one lets go, so independent pauses compose (an AUTH being verified and a
 * full outbound buffer may overlap in any order, and neither resumes reading behind the other's back). Handlers
 * never call {@code setAutoRead} themselves after admission; they {@link #pause} and {@link #resume} for their own
 * reason. Touched only on the channel's event loop, so a plain bit set suffices.
 *
 * <p>Turning {@code autoRead} back on makes Netty issue a read at once, so nothing waits for the next poll.
 */
public final class ReadGate {

    /** Why reading is paused; each reason is held and released by exactly one handler. */
    public enum Reason {
        /** The channel is above its write-buffer high water mark (PROTOCOL.md §5.8); {@link SlowConsumerGuard}. */
        UNWRITABLE,
        /** An AUTH is being verified; no further frame is read until it is answered (PROTOCOL.md §5.1). */
        AUTH_PENDING;

        private final int bit = 1 << ordinal();
    }

    private static final AttributeKey<ReadGate> KEY = AttributeKey.valueOf(ReadGate.class, "read-gate");

    private final Channel channel;
    private int pausedBy;

    private ReadGate(Channel channel) {
        this.channel = channel;
    }

    /** The gate of {@code channel}, created on first use. */
    public static ReadGate of(Channel channel) {
        ReadGate gate = channel.attr(KEY).get();
        if (gate == null) {
            gate = new ReadGate(channel);
            ReadGate raced = channel.attr(KEY).setIfAbsent(gate);
            if (raced != null) {
                gate = raced;
            }
        }
        return gate;
    }

    /** Stops reading for {@code reason}; idempotent. */
    public void pause(Reason reason) {
        boolean wasOpen = pausedBy == 0;
        pausedBy |= reason.bit;
        if (wasOpen) {
            channel.config().setAutoRead(false);
        }
    }

    /** Releases {@code reason}; reading resumes once no reason holds the gate. Idempotent. */
    public void resume(Reason reason) {
        if ((pausedBy & reason.bit) == 0) {
            return;
        }
        pausedBy &= ~reason.bit;
        if (pausedBy == 0) {
            channel.config().setAutoRead(true);
        }
    }

    /** Whether {@code reason} currently holds the gate closed. */
    public boolean pausedFor(Reason reason) {
        return (pausedBy & reason.bit) != 0;
    }

    /** Whether reading is allowed by every reason. */
    public boolean open() {
        return pausedBy == 0;
    }
}

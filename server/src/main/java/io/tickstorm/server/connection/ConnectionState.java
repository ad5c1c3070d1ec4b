package io.tickstorm.server.connection;

import io.netty.channel.Channel;
import io.netty.util.AttributeKey;

/**
 * Per-connection facts shared by the handlers of one channel and by the fan-out. Written only on the channel's
 * event loop; {@link #closing()} is also read by the server-wide outbound budget's sampler, hence volatile.
 */
public final class ConnectionState {

    private static final AttributeKey<ConnectionState> KEY = AttributeKey.valueOf(ConnectionState.class, "state");

    private volatile boolean closing;
    private String username;

    /** The state of {@code channel}, created on first use. */
    public static ConnectionState of(Channel channel) {
        ConnectionState state = channel.attr(KEY).get();
        if (state == null) {
            state = new ConnectionState();
            ConnectionState raced = channel.attr(KEY).setIfAbsent(state);
            if (raced != null) {
                state = raced;
            }
        }
        return state;
    }

    /**
     * True once a fatal ERROR has been sent or the connection is being closed: nothing else may be written, so the
     * ERROR stays the last frame (PROTOCOL.md §5.7), and no second ERROR follows it.
     */
    public boolean closing() {
        return closing;
    }

    /** Marks the connection as closing; returns false if it already was. */
    public boolean markClosing() {
        if (closing) {
            return false;
        }
        closing = true;
        return true;
    }

    public String username() {
        return username;
    }

    /** Records the authenticated user (the auth handler, once, on success). */
    public void username(String username) {
        this.username = username;
    }
}

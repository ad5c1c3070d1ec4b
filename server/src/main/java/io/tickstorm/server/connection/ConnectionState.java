package io.tickstorm.server.connection;

import io.netty.channel.Channel;
import io.netty.channel.ChannelOutboundInvoker;
import io.netty.util.AttributeKey;

/**
 * Per-connection facts shared by the handlers of one channel and by the fan-out. Written only on the channel's
 * event loop; {@link #closing()} is also read by the server-wide outbound budget's sampler, hence volatile.
 */
public final class ConnectionState {

    private static final AttributeKey<ConnectionState> KEY = AttributeKey.valueOf(ConnectionState.class, "state");

    private volatile boolean closing;
    private String username;
    private ChannelOutboundInvoker encodedFrames;

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

    /**
     * Where already framed bytes (the fan-out's encode-once batches) enter {@code channel}'s pipeline: just above the
     * outbound budget, so they pass it, TLS and the byte counter, and skip the handlers above (the frame encoder, the
     * message counter, the session), which would only pass them on. Saves those hops on every write to every
     * subscriber. The channel itself when no entry was set.
     */
    public ChannelOutboundInvoker encodedFrames(Channel channel) {
        return encodedFrames != null ? encodedFrames : channel;
    }

    /** Sets the entry for framed bytes (the pipeline's initializer, once). */
    public void encodedFrames(ChannelOutboundInvoker entry) {
        this.encodedFrames = entry;
    }

    /** Records the authenticated user (the auth handler, once, on success). */
    public void username(String username) {
        this.username = username;
    }
}

package io.tickstorm.server.fanout;

import io.netty.channel.Channel;
import io.netty.channel.ChannelOutboundInvoker;
import io.tickstorm.server.connection.ConnectionState;

/**
 * One subscribed connection inside its stream. Everything but {@link #left} is touched only on the channel's event
 * loop.
 */
public final class Subscriber {

    final Channel channel;
    /** Where this subscriber's encoded batches enter its pipeline ({@link ConnectionState#encodedFrames(Channel)}). */
    final ChannelOutboundInvoker out;
    final ConnectionState state;
    final Stream stream;
    final LoopGroup group;

    /** Sequence of the last batch this connection has (snapshot or live): older or equal batches are skipped. */
    long lastSequence = Long.MIN_VALUE;
    /** Index in {@link LoopGroup#members}, or -1 while not a member. */
    int slot = -1;
    /** Set when the connection leaves; read by the feed thread before it sends a REALTIME join. */
    volatile boolean left;

    Subscriber(Channel channel, ConnectionState state, Stream stream, LoopGroup group) {
        this.channel = channel;
        this.out = state.encodedFrames(channel);
        this.state = state;
        this.stream = stream;
        this.group = group;
    }
}

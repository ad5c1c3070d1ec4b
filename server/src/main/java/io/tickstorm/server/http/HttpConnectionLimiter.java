package io.tickstorm.server.http;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Caps the sockets of the HTTP port. It sits on the listening channel, so it sees every socket at {@code accept()},
 * before any child handler. At the cap it does not refuse the newcomer: it closes the connection whose current phase
 * (see {@link RequestDeadlineHandler}) began longest ago. A probe that has just connected is then never the one to
 * go, and what gives way is whatever has held a socket longest without progress: an idle keep-alive, a slow request,
 * a response its client does not read. Sockets of this port thus never exceed the cap (plus the one being accepted),
 * which is what lets the resource monitor account them apart from the tick port's.
 *
 * <p>Single-threaded: the listener and all its connections share one event loop (checked by the server), so the set
 * needs no lock; {@link #open()} is published for the resource monitor's thread.
 */
final class HttpConnectionLimiter extends ChannelInboundHandlerAdapter {

    private final int maxConnections;
    private final HttpPortStats stats;
    /** Open connections in accept order (the order breaks ties between equally old phases). */
    private final Set<Channel> connections = new LinkedHashSet<>();
    private volatile int open;

    HttpConnectionLimiter(int maxConnections, HttpPortStats stats) {
        this.maxConnections = maxConnections;
        this.stats = stats;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof Channel child) {
            if (connections.size() >= maxConnections) {
                evictOldest();
            }
            connections.add(child);
            open = connections.size();
            child.closeFuture().addListener(future -> {
                connections.remove(child);
                open = connections.size();
            });
        }
        ctx.fireChannelRead(msg);
    }

    private void evictOldest() {
        Channel victim = null;
        long victimStartNanos = 0;
        for (Channel channel : connections) {
            RequestDeadlineHandler deadline = channel.pipeline().get(RequestDeadlineHandler.class);
            if (deadline == null) {
                // Already torn down (children are initialised as they are accepted): it goes first.
                victim = channel;
                break;
            }
            if (victim == null || deadline.phaseStartNanos() - victimStartNanos < 0) {
                victim = channel;
                victimStartNanos = deadline.phaseStartNanos();
            }
        }
        stats.closed(HttpPortStats.Close.EVICTED);
        victim.close();
    }

    /** Closes every connection; on the event loop. */
    void closeAll() {
        for (Channel channel : List.copyOf(connections)) {
            channel.close();
        }
    }

    /** Sockets of the HTTP port open now, from accept to close. */
    int open() {
        return open;
    }
}

package io.tickstorm.server.pipeline;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts the sockets the listener has accepted and not yet closed, from the moment of {@code accept()}: it sits on
 * the server channel, ahead of the hand-over to a worker loop. During a connection storm hundreds of accepted
 * sockets can wait for a busy worker before any child handler sees them; this count includes them, so "descriptors
 * not held by connections" (what the breach monitor watches) stays exact.
 */
@Sharable
public final class AcceptedConnectionCounter extends ChannelInboundHandlerAdapter {

    private final AtomicInteger open = new AtomicInteger();
    private final ChannelFutureListener onClose = future -> open.decrementAndGet();

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof Channel child) {
            open.incrementAndGet();
            child.closeFuture().addListener(onClose);
        }
        ctx.fireChannelRead(msg);
    }

    /** Accepted sockets not yet closed. */
    public int open() {
        return open.get();
    }
}

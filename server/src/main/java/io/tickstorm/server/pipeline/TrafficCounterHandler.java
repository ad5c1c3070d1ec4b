package io.tickstorm.server.pipeline;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.tickstorm.server.metrics.ServerMetrics;

/**
 * Counts bytes read from and written to the socket. Sits next to the socket, so with TLS it counts encrypted bytes,
 * i.e. what the network carries. Stateless and shared.
 */
@Sharable
public final class TrafficCounterHandler extends ChannelDuplexHandler {

    private final ServerMetrics metrics;

    public TrafficCounterHandler(ServerMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf buf) {
            metrics.bytesReceived(buf.readableBytes());
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof ByteBuf buf) {
            metrics.bytesSent(buf.readableBytes());
        }
        ctx.write(msg, promise);
    }
}

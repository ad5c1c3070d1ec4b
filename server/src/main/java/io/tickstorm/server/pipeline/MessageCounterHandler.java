package io.tickstorm.server.pipeline;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.tickstorm.protocol.codec.Frame;
import io.tickstorm.protocol.codec.OutboundMessage;
import io.tickstorm.server.metrics.ServerMetrics;

/**
 * Counts frames by type: every decoded inbound frame, and every control message written through the encoder.
 * Encode-once DATA_BATCH buffers bypass the encoder and are counted by the fan-out, once per batch and stream.
 */
@Sharable
public final class MessageCounterHandler extends ChannelDuplexHandler {

    private final ServerMetrics metrics;

    public MessageCounterHandler(ServerMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof Frame frame) {
            metrics.frameReceived(frame.type());
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof OutboundMessage message) {
            metrics.framesSent(message.type(), 1);
        }
        ctx.write(msg, promise);
    }
}

package io.tickstorm.server.pipeline;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.tickstorm.protocol.FrameType;
import io.tickstorm.protocol.codec.FrameEncoder;
import io.tickstorm.protocol.proto.ErrorCode;
import io.tickstorm.protocol.proto.ErrorResponse;
import io.tickstorm.server.admission.Refusal;
import io.tickstorm.server.admission.RefusalResponder;
import io.tickstorm.server.connection.ConnectionState;
import io.tickstorm.server.metrics.ServerMetrics;

/**
 * Refuses a plain-TCP connection with ERROR 16 SERVER_OVERLOADED whose details name the cap (PROTOCOL.md §5.9),
 * then closes. Runs at the admission handler's position, before the codec has seen the channel, so it writes an
 * already-framed buffer. (With TLS a refused connection is closed before the handshake instead.)
 */
public final class OverloadRefusalResponder implements RefusalResponder {

    private final ServerMetrics metrics;

    public OverloadRefusalResponder(ServerMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void refuse(ChannelHandlerContext ctx, Refusal refusal) {
        ErrorResponse error = ErrorResponse.newBuilder().setCode(ErrorCode.SERVER_OVERLOADED)
                .setMessage("server overloaded: connection refused").setDetails(refusal.details())
                .setTimestampMs(System.currentTimeMillis()).build();
        ByteBuf frame = ctx.alloc().buffer();
        FrameEncoder.writeFrame(frame, FrameType.ERROR, error);
        metrics.errorSent(ErrorCode.SERVER_OVERLOADED);
        metrics.framesSent(FrameType.ERROR, 1);
        ConnectionState.of(ctx.channel()).markClosing();
        ctx.writeAndFlush(frame).addListener(ChannelFutureListener.CLOSE);
    }
}

package io.tickstorm.server.connection;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.tickstorm.protocol.codec.OutboundMessage;
import io.tickstorm.protocol.proto.ErrorCode;
import io.tickstorm.protocol.proto.ErrorResponse;
import io.tickstorm.server.metrics.ServerMetrics;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Sends ERROR frames (PROTOCOL.md §5.7): {@link #fatal} sends one ERROR and closes, and guarantees that it is the
 * only and the last frame; {@link #nonFatal} answers a bad request on a connection that stays open. Every ERROR is
 * counted by code. Call on the channel's event loop.
 */
public final class ErrorResponder {

    /** How long a fatal ERROR may take to flush before the connection is closed anyway (slow consumers). */
    static final long FORCED_CLOSE_MILLIS = 1_000;

    private final ServerMetrics metrics;

    public ErrorResponder(ServerMetrics metrics) {
        this.metrics = metrics;
    }

    /** One ERROR, then close; does nothing if the connection is already closing. */
    public void fatal(Channel channel, ErrorCode code, String message, String details) {
        if (!ConnectionState.of(channel).markClosing()) {
            return;
        }
        if (!channel.isActive()) {
            channel.close();
            return;
        }
        metrics.errorSent(code);
        channel.writeAndFlush(error(code, message, details)).addListener(ChannelFutureListener.CLOSE);
        // A peer that stopped reading never lets the ERROR flush: close regardless after a short grace.
        ScheduledFuture<?> forcedClose = channel.eventLoop().schedule(() -> {
            channel.close();
        }, FORCED_CLOSE_MILLIS, TimeUnit.MILLISECONDS);
        channel.closeFuture().addListener(closed -> forcedClose.cancel(false));
    }

    /** An ERROR on a connection that stays open (e.g. INVALID_SUBSCRIPTION, ALREADY_AUTHENTICATED). */
    public void nonFatal(Channel channel, ErrorCode code, String message, String details) {
        if (ConnectionState.of(channel).closing()) {
            return;
        }
        metrics.errorSent(code);
        channel.writeAndFlush(error(code, message, details), channel.voidPromise());
    }

    /** SLOW_CONSUMER (best effort: the peer may never read it), counted, then close (PROTOCOL.md §5.8). */
    public void slowConsumer(Channel channel, String why) {
        if (ConnectionState.of(channel).closing()) {
            return;
        }
        metrics.slowConsumerDisconnected();
        fatal(channel, ErrorCode.SLOW_CONSUMER, "slow consumer: " + why, "");
    }

    /** Closes without an ERROR (the peer went away, or TLS failed before any frame could be sent). */
    public void closeQuietly(Channel channel) {
        ConnectionState.of(channel).markClosing();
        channel.close();
    }

    static OutboundMessage error(ErrorCode code, String message, String details) {
        return OutboundMessage.of(ErrorResponse.newBuilder().setCode(code).setMessage(message)
                .setDetails(details == null ? "" : details).setTimestampMs(System.currentTimeMillis()).build());
    }
}

package io.tickstorm.server.admission;

import io.netty.channel.ChannelHandlerContext;

/**
 * Tells a refused peer and closes its channel. Called on the channel's event loop, from the admission handler's
 * context, so {@code ctx.writeAndFlush} reaches the socket without passing TLS or any later handler: over plain TCP
 * the server writes one encoded ERROR 16 SERVER_OVERLOADED frame carrying {@link Refusal#details()} and closes after
 * it; with TLS it only closes (the peer has not handshaken, so nothing it could read can be sent). The responder must
 * close the channel.
 */
@FunctionalInterface
public interface RefusalResponder {

    /** Closes without a word: right for TLS listeners. */
    RefusalResponder CLOSE = (ctx, refusal) -> ctx.close();

    void refuse(ChannelHandlerContext ctx, Refusal refusal);
}

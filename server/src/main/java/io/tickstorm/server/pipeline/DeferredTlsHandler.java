package io.tickstorm.server.pipeline;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.ssl.SslHandler;
import io.tickstorm.server.tls.ReloadingSslContext;
import io.tickstorm.server.tls.RenegotiationGuard;
import io.tickstorm.server.tls.TlsHandshakeHandler;
import io.tickstorm.server.tls.TlsHandshakeListener;

/**
 * Puts TLS into the pipeline only once admission lets the connection through. An {@code SslHandler} added at
 * accept time would start its handshake and its handshake timeout at once, so a connection that admission holds
 * back (accept-rate guard) would be timed out for waiting, and a refused one would have cost an SSL engine. Per
 * channel; replaces itself with the SSL handler and the handshake reporter (preceded by a renegotiation guard when
 * the provider would accept a client's renegotiation), then lets {@code channelActive} go on.
 */
final class DeferredTlsHandler extends ChannelInboundHandlerAdapter {

    private final ReloadingSslContext tls;
    private final TlsHandshakeListener listener;

    DeferredTlsHandler(ReloadingSslContext tls, TlsHandshakeListener listener) {
        this.tls = tls;
        this.listener = listener;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        ChannelPipeline pipeline = ctx.pipeline();
        SslHandler ssl = tls.newHandler(ctx.alloc());
        // A partial TLS record is merged into one buffer instead of kept as a composite of every read that brought
        // a piece of it (Netty's choice for OpenSSL): a client sending a record one byte per segment would otherwise
        // pin a whole read buffer per byte, many times what the pre-auth budget charges it
        // (bench/results/attacks-h1a.md). Clients send little, so the copy costs nothing that matters.
        ssl.setCumulator(ByteToMessageDecoder.MERGE_CUMULATOR);
        pipeline.addAfter(ctx.name(), ServerChannelInitializer.TLS, ssl);
        if (tls.clientRenegotiationPossible()) {
            pipeline.addBefore(ServerChannelInitializer.TLS, ServerChannelInitializer.TLS_RENEGOTIATION_GUARD,
                    new RenegotiationGuard(ssl.handshakeFuture()));
        }
        pipeline.addAfter(ServerChannelInitializer.TLS, ServerChannelInitializer.TLS_HANDSHAKE,
                new TlsHandshakeHandler(listener));
        pipeline.remove(this);
        ctx.fireChannelActive();
    }
}

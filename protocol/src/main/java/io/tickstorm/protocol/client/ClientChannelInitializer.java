package io.tickstorm.protocol.client;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.tickstorm.protocol.Direction;
import io.tickstorm.protocol.codec.FrameDecoder;
import io.tickstorm.protocol.codec.FrameEncoder;

/**
 * The client pipeline, in order: peer protocol sniffer (names a TLS/plain mismatch, then leaves), TLS (when on),
 * frame decoder (server-to-client types only), frame encoder, session.
 */
final class ClientChannelInitializer extends ChannelInitializer<SocketChannel> {

    static final String PROTOCOL_SNIFFER = "protocolSniffer";
    static final String TLS_HANDLER = "tls";
    static final String FRAME_DECODER = "frameDecoder";
    static final String FRAME_ENCODER = "frameEncoder";
    static final String SESSION_HANDLER = "session";

    private final TickClientOptions options;
    private final SslContext sslContext;
    private final ClientSessionHandler session;
    private final FrameEncoder encoder = new FrameEncoder();

    /** @param sslContext {@code null} for plain TCP */
    ClientChannelInitializer(TickClientOptions options, SslContext sslContext, ClientSessionHandler session) {
        this.options = options;
        this.sslContext = sslContext;
        this.session = session;
    }

    @Override
    protected void initChannel(SocketChannel channel) {
        ChannelPipeline pipeline = channel.pipeline();
        pipeline.addLast(PROTOCOL_SNIFFER, new PeerProtocolSniffer(sslContext != null));
        if (sslContext != null) {
            // The peer host is what the engine sends as SNI and verifies the certificate against.
            SslHandler tls = sslContext.newHandler(channel.alloc(), options.verifiedName(), options.port());
            tls.setHandshakeTimeoutMillis(options.connectTimeout().toMillis());
            pipeline.addLast(TLS_HANDLER, tls);
        }
        pipeline.addLast(FRAME_DECODER, new FrameDecoder(options.maxPayloadBytes(), Direction.SERVER_TO_CLIENT));
        pipeline.addLast(FRAME_ENCODER, encoder);
        pipeline.addLast(SESSION_HANDLER, session);
    }
}

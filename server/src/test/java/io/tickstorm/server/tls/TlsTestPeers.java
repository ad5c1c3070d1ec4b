package io.tickstorm.server.tls;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import javax.net.ssl.SSLSession;

/**
 * A TLS echo server and client on 127.0.0.1 for real handshakes in tests. Every wait is bounded by
 * {@link #TIMEOUT_SECONDS}.
 */
final class TlsTestPeers implements AutoCloseable {

    static final long TIMEOUT_SECONDS = 10;

    /** Handshake outcomes the server reported, in order. */
    final BlockingQueue<String> serverOutcomes = new LinkedBlockingQueue<>();

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    private final Channel serverChannel;

    /** Starts an echo server whose channels get {@code sslHandlers.get()} and a handshake handler. */
    TlsTestPeers(Supplier<SslHandler> sslHandlers) throws InterruptedException {
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast("tls", sslHandlers.get());
                        ch.pipeline().addLast("tls-handshake", new TlsHandshakeHandler(
                                (result, durationNanos) -> serverOutcomes.add(result.label())));
                        ch.pipeline().addLast("echo", new ChannelInboundHandlerAdapter() {
                            @Override
                            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                ctx.writeAndFlush(msg);
                            }

                            @Override
                            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                                ctx.close();
                            }
                        });
                    }
                });
        serverChannel = bootstrap.bind("127.0.0.1", 0).sync().channel();
    }

    int port() {
        return ((InetSocketAddress) serverChannel.localAddress()).getPort();
    }

    /** The next outcome the server reported: success, resumed or failure. */
    String nextServerOutcome() throws InterruptedException {
        String outcome = serverOutcomes.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        if (outcome == null) {
            throw new AssertionError("the server reported no handshake outcome");
        }
        return outcome;
    }

    /** Connects with {@code clientContext} (host name "localhost", so sessions are cached per server). */
    Connection connect(SslContext clientContext) throws InterruptedException {
        BlockingQueue<Object> received = new LinkedBlockingQueue<>();
        SslHandler[] ssl = new SslHandler[1];
        Bootstrap bootstrap = new Bootstrap()
                .group(group)
                .channel(NioSocketChannel.class)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ssl[0] = clientContext.newHandler(ch.alloc(), "localhost", port());
                        ch.pipeline().addLast(ssl[0]);
                        ch.pipeline().addLast(new SimpleChannelInboundHandler<ByteBuf>() {
                            @Override
                            protected void channelRead0(ChannelHandlerContext ctx, ByteBuf msg) {
                                received.add(msg.toString(StandardCharsets.UTF_8));
                            }

                            @Override
                            public void channelInactive(ChannelHandlerContext ctx) {
                                received.add(CLOSED);
                            }

                            @Override
                            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                                received.add(cause);
                                ctx.close();
                            }
                        });
                    }
                });
        Channel channel = bootstrap.connect("127.0.0.1", port()).sync().channel();
        return new Connection(channel, ssl[0], received);
    }

    @Override
    public void close() {
        serverChannel.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private static final Object CLOSED = new Object();

    /** One client connection. */
    static final class Connection implements AutoCloseable {
        private final Channel channel;
        private final SslHandler ssl;
        private final BlockingQueue<Object> received;

        Connection(Channel channel, SslHandler ssl, BlockingQueue<Object> received) {
            this.channel = channel;
            this.ssl = ssl;
            this.received = received;
        }

        /** Waits for the client side of the handshake; true if it succeeded. */
        boolean handshake() {
            if (!ssl.handshakeFuture().awaitUninterruptibly(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                throw new AssertionError("handshake did not finish");
            }
            return ssl.handshakeFuture().isSuccess();
        }

        /** Sends {@code text} and returns the echo, or null if the connection failed or closed instead. */
        String echo(String text) throws InterruptedException {
            channel.writeAndFlush(Unpooled.copiedBuffer(text, StandardCharsets.UTF_8));
            StringBuilder echoed = new StringBuilder();
            while (echoed.length() < text.length()) {
                Object next = received.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                if (next == null) {
                    throw new AssertionError("no echo and no close");
                }
                if (!(next instanceof String)) {
                    return null;
                }
                echoed.append(next);
            }
            return echoed.toString();
        }

        SSLSession session() {
            return ssl.engine().getSession();
        }

        X509Certificate serverCertificate() throws javax.net.ssl.SSLPeerUnverifiedException {
            return (X509Certificate) session().getPeerCertificates()[0];
        }

        @Override
        public void close() {
            channel.close().syncUninterruptibly();
        }
    }
}

package io.tickstorm.protocol.client;

import com.google.protobuf.MessageLite;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.tickstorm.protocol.Direction;
import io.tickstorm.protocol.FrameDescriptor;
import io.tickstorm.protocol.codec.Frame;
import io.tickstorm.protocol.codec.FrameDecoder;
import io.tickstorm.protocol.codec.FrameEncoder;
import io.tickstorm.protocol.codec.OutboundMessage;
import io.tickstorm.protocol.codec.Payloads;
import io.tickstorm.protocol.proto.AckResponse;
import io.tickstorm.protocol.proto.AuthRequest;
import io.tickstorm.protocol.proto.DataBatch;
import io.tickstorm.protocol.proto.ErrorCode;
import io.tickstorm.protocol.proto.ErrorResponse;
import io.tickstorm.protocol.proto.HeartbeatRequest;
import io.tickstorm.protocol.proto.HeartbeatResponse;
import io.tickstorm.protocol.proto.MessageType;
import io.tickstorm.protocol.proto.SubscribeRequest;
import io.tickstorm.protocol.proto.SubscriptionMode;
import io.tickstorm.protocol.proto.Tick;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A scripted stand-in for the Tick-Storm server on 127.0.0.1, for client tests: AUTH with {@link #USER}/{@link
 * #PASSWORD} gets an ACK, anything else ERROR INVALID_AUTH and a close; SUBSCRIBE gets an ACK, a snapshot numbered
 * {@link #SNAPSHOT_SEQUENCE} and then one live batch per {@link #liveSequences} entry, and optionally a final ERROR and
 * close; mode 0 or a symbol {@code "BAD"} gets INVALID_SUBSCRIPTION, a second SUBSCRIBE ALREADY_SUBSCRIBED (both
 * leave the connection open); HEARTBEAT gets a PONG. Every message received is recorded.
 */
public final class FakeTickServer implements AutoCloseable {

    public static final String USER = "alice";
    public static final String PASSWORD = "correct horse";
    public static final long SNAPSHOT_SEQUENCE = 1_000;
    public static final List<String> DEFAULT_SYMBOLS = List.of("AAPL", "MSFT");

    /** Every message received, in order, from any connection. */
    public final BlockingQueue<MessageLite> received = new LinkedBlockingQueue<>();

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final Channel serverChannel;
    private volatile List<Long> liveSequences = List.of(SNAPSHOT_SEQUENCE + 1, SNAPSHOT_SEQUENCE + 2);
    private volatile ErrorCode endWith;

    /** @param sslContext server TLS context, or {@code null} for plain TCP */
    public FakeTickServer(SslContext sslContext) {
        serverChannel = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (sslContext != null) {
                            ch.pipeline().addLast(sslContext.newHandler(ch.alloc()));
                        }
                        ch.pipeline().addLast(
                                new FrameDecoder(FrameDescriptor.DEFAULT_MAX_PAYLOAD_BYTES, Direction.CLIENT_TO_SERVER),
                                new FrameEncoder(),
                                new ScriptHandler());
                    }
                })
                .bind("127.0.0.1", 0)
                .syncUninterruptibly()
                .channel();
    }

    /** A plain-TCP server. */
    public FakeTickServer() {
        this(null);
    }

    public int port() {
        return ((InetSocketAddress) serverChannel.localAddress()).getPort();
    }

    /** The sequences of the live batches sent after the snapshot. */
    public FakeTickServer liveSequences(Long... sequences) {
        liveSequences = List.of(sequences);
        return this;
    }

    /** After the live batches, send ERROR {@code code} and close. */
    public FakeTickServer endWith(ErrorCode code) {
        endWith = code;
        return this;
    }

    /** The next received message of {@code type}, skipping others (heartbeats, typically); bounded wait. */
    public <T extends MessageLite> T next(Class<T> type) throws InterruptedException {
        long deadlineNanos = System.nanoTime() + TimeUnit.SECONDS.toNanos(RecordingListener.WAIT_SECONDS);
        for (long left; (left = deadlineNanos - System.nanoTime()) > 0; ) {
            MessageLite message = received.poll(left, TimeUnit.NANOSECONDS);
            if (type.isInstance(message)) {
                return type.cast(message);
            }
        }
        throw new AssertionError("no " + type.getSimpleName() + " within " + RecordingListener.WAIT_SECONDS + " s");
    }

    @Override
    public void close() {
        serverChannel.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    static Tick tick(String symbol, long sequence, SubscriptionMode mode) {
        return Tick.newBuilder()
                .setSymbol(symbol)
                .setTimestampMs(sequence * 1_000)
                .setPrice(100.25)
                .setVolume(1_500)
                .setBid(100.2)
                .setAsk(100.3)
                .setBidSize(300)
                .setAskSize(200)
                .setMode(mode)
                .build();
    }

    private final class ScriptHandler extends SimpleChannelInboundHandler<Frame> {
        private boolean subscribed;

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, Frame frame) {
            MessageLite message = Payloads.parse(frame);
            received.add(message);
            if (message instanceof AuthRequest auth) {
                if (USER.equals(auth.getUsername()) && PASSWORD.equals(auth.getPassword())) {
                    ctx.writeAndFlush(ack(MessageType.AUTH));
                } else {
                    fail(ctx, ErrorCode.INVALID_AUTH, "invalid credentials");
                }
            } else if (message instanceof SubscribeRequest subscribe) {
                subscribe(ctx, subscribe);
            } else if (message instanceof HeartbeatRequest heartbeat) {
                ctx.writeAndFlush(OutboundMessage.of(HeartbeatResponse.newBuilder()
                        .setClientTimestampMs(heartbeat.getTimestampMs())
                        .setServerTimestampMs(System.currentTimeMillis())
                        .setSequence(heartbeat.getSequence())
                        .build()));
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // A client that fails the handshake or sends garbage is simply dropped; tests assert on the client side.
            ctx.close();
        }

        private void subscribe(ChannelHandlerContext ctx, SubscribeRequest request) {
            if (subscribed) {
                ctx.writeAndFlush(error(ErrorCode.ALREADY_SUBSCRIBED, "already subscribed", ""));
                return;
            }
            if (request.getMode() == SubscriptionMode.SUBSCRIPTION_MODE_UNSPECIFIED
                    || request.getSymbolsList().contains("BAD")) {
                ctx.writeAndFlush(error(ErrorCode.INVALID_SUBSCRIPTION, "invalid subscription", "symbols"));
                return;
            }
            subscribed = true;
            List<String> symbols = request.getSymbolsCount() == 0 ? DEFAULT_SYMBOLS : request.getSymbolsList();
            ctx.write(ack(MessageType.SUBSCRIBE));
            ctx.write(OutboundMessage.of(batch(symbols, request.getMode(), SNAPSHOT_SEQUENCE, true)));
            for (long sequence : liveSequences) {
                ctx.write(OutboundMessage.of(batch(symbols, request.getMode(), sequence, false)));
            }
            ctx.flush();
            ErrorCode last = endWith;
            if (last != null) {
                fail(ctx, last, "scripted end of session");
            }
        }

        private DataBatch batch(List<String> symbols, SubscriptionMode mode, long sequence, boolean snapshot) {
            DataBatch.Builder batch = DataBatch.newBuilder()
                    .setBatchSequence((int) sequence)
                    .setBatchTimestampMs(System.currentTimeMillis())
                    .setIsSnapshot(snapshot);
            for (String symbol : symbols) {
                batch.addTicks(tick(symbol, sequence, mode));
            }
            return batch.build();
        }

        private void fail(ChannelHandlerContext ctx, ErrorCode code, String message) {
            ctx.writeAndFlush(error(code, message, "")).addListener(ChannelFutureListener.CLOSE);
        }

        private OutboundMessage ack(MessageType type) {
            return OutboundMessage.of(AckResponse.newBuilder()
                    .setAckType(type)
                    .setSuccess(true)
                    .setTimestampMs(System.currentTimeMillis())
                    .build());
        }

        private OutboundMessage error(ErrorCode code, String message, String details) {
            return OutboundMessage.of(ErrorResponse.newBuilder()
                    .setCode(code)
                    .setMessage(message)
                    .setDetails(details)
                    .setTimestampMs(System.currentTimeMillis())
                    .build());
        }
    }
}

package io.tickstorm.protocol.client;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.Future;
import io.tickstorm.protocol.FrameType;
import io.tickstorm.protocol.codec.OutboundMessage;
import io.tickstorm.protocol.proto.AckResponse;
import io.tickstorm.protocol.proto.AuthRequest;
import io.tickstorm.protocol.proto.MessageType;
import io.tickstorm.protocol.proto.SubscribeRequest;
import io.tickstorm.protocol.proto.SubscriptionMode;
import java.time.Duration;
import java.util.Collection;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One connection to a Tick-Storm server (PROTOCOL.md): connect, {@linkplain #authenticate() AUTH},
 * {@linkplain #subscribe SUBSCRIBE}, then batches, errors, pongs, gaps and the close arrive at the {@link
 * TickListener}. Once authenticated the client sends a HEARTBEAT every {@link TickClientOptions#heartbeatInterval()}.
 *
 * <pre>{@code
 * try (TickClient client = new TickClient(options, listener)) {
 *     client.connectAndAuthenticate();
 *     client.subscribe(SubscriptionMode.SECOND, List.of(), 0);
 *     ...                                   // batches arrive at listener.onBatch on the event loop
 * }
 * }</pre>
 *
 * <p>Threads: every method may be called from any thread; the {@code *Async} methods never block, the others block
 * until the server answers (bounded by the connect and response timeouts) and therefore refuse to run on the
 * connection's event loop, which is also where the listener is called. A client makes one connection; to reconnect,
 * create another, or let a {@link ResumingSubscription} do it and resume the stream. Many clients may share one
 * {@link EventLoopGroup} (and one {@link SslContext}), which their creator owns and shuts down; a client created
 * without a group owns a one-thread group and shuts it down in {@link #close()}.
 */
public final class TickClient implements AutoCloseable {

    /** The SubscribeRequest metadata key that asks for a conflated REALTIME stream (PROTOCOL.md §5.6). */
    public static final String CONFLATE_MS = "conflate_ms";
    /** The shortest conflation interval a server accepts. */
    public static final Duration MIN_CONFLATION = Duration.ofMillis(10);
    /** The longest conflation interval a server accepts. */
    public static final Duration MAX_CONFLATION = Duration.ofSeconds(60);

    private final TickClientOptions options;
    private final EventLoopGroup group;
    private final boolean ownsGroup;
    private final ClientSessionHandler session;
    private final Bootstrap bootstrap;
    private final AtomicBoolean connectStarted = new AtomicBoolean();
    private volatile Channel channel;

    /** A client with its own one-thread event loop group, released by {@link #close()}. */
    public TickClient(TickClientOptions options, TickListener listener) {
        this(options, listener, new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("tick-client", true),
                NioIoHandler.newFactory()), true, null);
    }

    /**
     * A client on a shared NIO {@code group}, which stays the caller's to shut down.
     *
     * @param sslContext the TLS context to share between clients (see {@link ClientSslContextFactory}), or {@code
     *     null} to build one from {@code options} when TLS is on
     */
    public TickClient(TickClientOptions options, TickListener listener, EventLoopGroup group, SslContext sslContext) {
        this(options, listener, Objects.requireNonNull(group, "group"), false, sslContext);
    }

    private TickClient(TickClientOptions options, TickListener listener, EventLoopGroup group, boolean ownsGroup,
            SslContext sslContext) {
        this.options = Objects.requireNonNull(options, "options");
        this.group = group;
        this.ownsGroup = ownsGroup;
        this.session = new ClientSessionHandler(options, Objects.requireNonNull(listener, "listener"));
        SslContext tls = options.tls() && sslContext == null ? createSslContext(options) : sslContext;
        this.bootstrap = new Bootstrap()
                .group(group)
                .channel(NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS,
                        (int) Math.min(Integer.MAX_VALUE, options.connectTimeout().toMillis()))
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ClientChannelInitializer(options, options.tls() ? tls : null, session));
    }

    private SslContext createSslContext(TickClientOptions tlsOptions) {
        try {
            return ClientSslContextFactory.create(tlsOptions);
        } catch (TickClientException e) {
            if (ownsGroup) {
                group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            }
            throw e;
        }
    }

    public TickClientOptions options() {
        return options;
    }

    /** Opens the connection (and completes the TLS handshake); fails with a {@link TickClientException}. */
    public CompletableFuture<Void> connectAsync() {
        if (!connectStarted.compareAndSet(false, true)) {
            throw new IllegalStateException("connect: already called; a TickClient makes one connection");
        }
        CompletableFuture<Void> result = new CompletableFuture<>();
        String target = options.host() + ":" + options.port();
        ChannelFuture connect = bootstrap.connect(options.host(), options.port());
        channel = connect.channel();
        connect.addListener((ChannelFuture done) -> {
            if (!done.isSuccess()) {
                result.completeExceptionally(failure("connect to " + target + " failed", done.cause()));
                return;
            }
            SslHandler tls = done.channel().pipeline().get(SslHandler.class);
            if (tls == null) {
                result.complete(null);
                return;
            }
            tls.handshakeFuture().addListener(handshake -> {
                if (handshake.isSuccess()) {
                    result.complete(null);
                    return;
                }
                // The session saw the first cause (e.g. the sniffer's "server speaks plain TCP"); the handshake
                // future may only hold the close that followed.
                Throwable seen = session.failure() != null ? session.failure() : handshake.cause();
                TickClientException known = TlsFailures.classify("TLS handshake with " + target + " failed", seen);
                result.completeExceptionally(known != null ? known : new TickClientException(
                        TickClientException.Kind.TLS, failure("TLS handshake with " + target + " failed", seen)
                        .getMessage(), seen));
            });
        });
        return result;
    }

    private static TickClientException failure(String what, Throwable cause) {
        Throwable root = cause;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String reason = root.getMessage() != null ? root.getMessage() : root.getClass().getSimpleName();
        return new TickClientException(what + ": " + reason, cause);
    }

    /** Sends AUTH with the options' credentials; completes with the ACK, or fails with the server's ERROR. */
    public CompletableFuture<AckResponse> authenticateAsync() {
        AuthRequest auth = AuthRequest.newBuilder()
                .setUsername(options.username())
                .setPassword(options.password())
                .setClientId(options.clientId())
                .setVersion(options.version())
                .build();
        return request(new OutboundMessage(FrameType.AUTH, auth), MessageType.AUTH);
    }

    /**
     * Sends SUBSCRIBE; completes with the ACK, after which the snapshot and live batches reach the listener. An
     * INVALID_SUBSCRIPTION or ALREADY_SUBSCRIBED refusal fails the future and leaves the connection open.
     *
     * @param symbols the symbols wanted; empty for every symbol the server carries
     * @param startTimeMs replay every retained bar from this time on (PROTOCOL.md §5.3), or 0 for none
     */
    public CompletableFuture<AckResponse> subscribeAsync(SubscriptionMode mode, Collection<String> symbols,
            long startTimeMs) {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(symbols, "symbols");
        if (startTimeMs < 0) {
            throw new IllegalArgumentException("startTimeMs: " + startTimeMs + " (expected >= 0)");
        }
        SubscribeRequest subscribe = SubscribeRequest.newBuilder()
                .setMode(mode)
                .addAllSymbols(symbols)
                .setStartTimeMs(startTimeMs)
                .build();
        return request(new OutboundMessage(FrameType.SUBSCRIBE, subscribe), MessageType.SUBSCRIBE);
    }

    /**
     * Sends a conflated REALTIME SUBSCRIBE (PROTOCOL.md §5.6, metadata {@value #CONFLATE_MS}): at most one batch per
     * {@code interval}, holding the latest tick of each symbol that changed in it with the volume of the ticks it
     * replaces. Completes like {@link #subscribeAsync(SubscriptionMode, Collection, long)}.
     *
     * @param symbols the symbols wanted; empty for every symbol the server carries
     * @param interval from {@link #MIN_CONFLATION} to {@link #MAX_CONFLATION}, whole milliseconds
     */
    public CompletableFuture<AckResponse> subscribeConflatedAsync(Collection<String> symbols, Duration interval) {
        Objects.requireNonNull(symbols, "symbols");
        SubscribeRequest subscribe = SubscribeRequest.newBuilder()
                .setMode(SubscriptionMode.REALTIME)
                .addAllSymbols(symbols)
                .putMetadata(CONFLATE_MS, Long.toString(conflateMs(interval)))
                .build();
        return request(new OutboundMessage(FrameType.SUBSCRIBE, subscribe), MessageType.SUBSCRIBE);
    }

    /**
     * The {@value #CONFLATE_MS} value for {@code interval}.
     *
     * @throws IllegalArgumentException outside {@link #MIN_CONFLATION}..{@link #MAX_CONFLATION} or not whole ms
     */
    public static long conflateMs(Duration interval) {
        Objects.requireNonNull(interval, "interval");
        if (interval.compareTo(MIN_CONFLATION) < 0 || interval.compareTo(MAX_CONFLATION) > 0
                || interval.toNanos() % 1_000_000L != 0) {
            throw new IllegalArgumentException("conflation interval " + interval + ": expected whole milliseconds "
                    + "from " + MIN_CONFLATION.toMillis() + " ms to " + MAX_CONFLATION.toMillis() + " ms");
        }
        return interval.toMillis();
    }

    private CompletableFuture<AckResponse> request(OutboundMessage message, MessageType ackType) {
        CompletableFuture<AckResponse> result = new CompletableFuture<>();
        Channel ch = channel;
        if (ch == null) {
            result.completeExceptionally(new TickClientException(ackType + ": not connected"));
            return result;
        }
        try {
            ch.eventLoop().execute(() -> session.request(message, ackType, result));
        } catch (RejectedExecutionException e) {
            result.completeExceptionally(new TickClientException(ackType + ": client is closed", e));
        }
        return result;
    }

    /** Blocking {@link #connectAsync()}. */
    public void connect() {
        await(connectAsync(), "connect");
    }

    /** Blocking {@link #authenticateAsync()}. */
    public AckResponse authenticate() {
        return await(authenticateAsync(), "authenticate");
    }

    /** {@link #connect()} then {@link #authenticate()}. */
    public AckResponse connectAndAuthenticate() {
        connect();
        return authenticate();
    }

    /** Blocking {@link #subscribeAsync}. */
    public AckResponse subscribe(SubscriptionMode mode, Collection<String> symbols, long startTimeMs) {
        return await(subscribeAsync(mode, symbols, startTimeMs), "subscribe");
    }

    /** Blocking {@link #subscribeConflatedAsync}. */
    public AckResponse subscribeConflated(Collection<String> symbols, Duration interval) {
        return await(subscribeConflatedAsync(symbols, interval), "subscribe");
    }

    private <T> T await(CompletableFuture<T> future, String operation) {
        Channel ch = channel;
        if (ch != null && ch.eventLoop().inEventLoop()) {
            throw new IllegalStateException(operation + ": would block the event loop; use " + operation + "Async");
        }
        try {
            return future.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof TickClientException failure) {
                throw failure;
            }
            throw new TickClientException(operation + " failed: " + e.getCause(), e.getCause());
        }
    }

    /** Sends one HEARTBEAT now, in addition to the automatic ones; its PONG reaches {@link TickListener#onPong}. */
    public void heartbeat() {
        Channel ch = requireChannel("heartbeat");
        ch.eventLoop().execute(session::sendHeartbeat);
    }

    /**
     * Writes any message as is, bypassing the session logic (for tests of the server's reactions). Its answer, if
     * any, reaches the listener; an ACK then matches no request and closes the connection.
     */
    public ChannelFuture send(OutboundMessage message) {
        return requireChannel("send").writeAndFlush(message);
    }

    private Channel requireChannel(String operation) {
        Channel ch = channel;
        if (ch == null) {
            throw new IllegalStateException(operation + ": not connected");
        }
        return ch;
    }

    /** Whether the connection is open. */
    public boolean isActive() {
        Channel ch = channel;
        return ch != null && ch.isActive();
    }

    /**
     * Closes the connection ({@link TickListener#onClosed} then gets {@code null} unless the server had already ended
     * the session) and, if this client owns its event loop group, shuts it down. Waits for both unless called from the
     * event loop.
     */
    @Override
    public void close() {
        session.requestClose();
        Channel ch = channel;
        boolean onEventLoop = ch != null && ch.eventLoop().inEventLoop();
        if (ch != null) {
            ChannelFuture closed = ch.close();
            if (!onEventLoop) {
                closed.awaitUninterruptibly();
            }
        }
        if (ownsGroup) {
            Future<?> terminated = group.shutdownGracefully(0, 2, TimeUnit.SECONDS);
            if (!onEventLoop) {
                terminated.awaitUninterruptibly();
            }
        }
    }
}

package io.tickstorm.bench.load;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.ReferenceCountedOpenSslEngine;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.internal.tcnative.SSL;
import io.netty.util.concurrent.ScheduledFuture;
import io.tickstorm.protocol.FrameDescriptor;
import io.tickstorm.protocol.codec.Frame;
import io.tickstorm.protocol.codec.OutboundMessage;
import io.tickstorm.protocol.codec.Payloads;
import io.tickstorm.protocol.proto.AckResponse;
import io.tickstorm.protocol.proto.AuthRequest;
import io.tickstorm.protocol.proto.DataBatch;
import io.tickstorm.protocol.proto.ErrorResponse;
import io.tickstorm.protocol.proto.HeartbeatRequest;
import io.tickstorm.protocol.proto.MessageType;
import io.tickstorm.protocol.proto.SubscribeRequest;
import java.util.concurrent.TimeUnit;

/**
 * One load connection: AUTH once connected (after the TLS handshake when TLS is on), SUBSCRIBE on the AUTH ACK,
 * heartbeats after AUTH, then checks and counts every DATA_BATCH. Records into the {@link LoadStats} of its event
 * loop and role, so everything here runs on the channel's loop and nothing is shared. {@link #settle} tells the
 * worker once, when the connection is subscribed or has failed.
 *
 * <p>Sequence rule (PROTOCOL.md §5.5): the snapshot carries the number of the last batch it reflects; every later
 * batch must carry the previous number + 1. A higher number counts the missing batches as gaps, a lower or equal
 * one as a duplicate.
 */
final class BenchConnectionHandler extends ChannelInboundHandlerAdapter {

    /** Told once per connection: subscribed or failed. */
    interface Settlement {
        void settled(BenchConnectionHandler connection, boolean subscribed);
    }

    private final WorkerContext worker;
    private final int round;
    private final boolean slow;
    private final long startNanos;
    private final Settlement settlement;

    private LoadStats stats;
    private LoadStats.RoundStats roundStats;
    private DataBatchScanner scanner;
    private long phaseNanos;
    private long expectedSequence = -1;
    private long heartbeatSequence;
    private boolean settled;
    private boolean stopping;
    /** How far the connection got, for the reason of a failure. */
    private FailureReason.Phase phase = FailureReason.Phase.TLS_HANDSHAKE;
    /** Whether a failure reason was recorded: one per connection, so the counts are of connections. */
    private boolean reasonGiven;
    private ScheduledFuture<?> heartbeats;

    BenchConnectionHandler(WorkerContext worker, int round, boolean slow, long startNanos, Settlement settlement) {
        this.worker = worker;
        this.round = round;
        this.slow = slow;
        this.startNanos = startNanos;
        this.settlement = settlement;
    }

    boolean slow() {
        return slow;
    }

    /** Marks the close that follows as ours, not the server's. Call on the channel's loop. */
    void stopping() {
        stopping = true;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        stats = worker.stats(ctx.executor(), slow);
        scanner = worker.scanner(ctx.executor());
        roundStats = stats.rounds[round];
        roundStats.started++;
        roundStats.firstStartEpochMicros = Math.min(roundStats.firstStartEpochMicros,
                worker.clock().epochMicros(startNanos));
    }

    /** The TCP connect failed (the channel never became active). Runs on the channel's loop. */
    void connectFailed(Throwable cause) {
        LoadOptions o = worker.options();
        failWith(FailureReason.connect(cause, o.host(), o.port(), o.connectTimeoutMillis()));
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        long now = System.nanoTime();
        roundStats.tcpConnected++;
        Histograms.record(roundStats.tcp, (now - startNanos) / 1_000);
        phaseNanos = now;
        if (!worker.options().tls()) {
            sendAuth(ctx, now);
        }
        ctx.fireChannelActive();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof SslHandshakeCompletionEvent handshake) {
            if (handshake.isSuccess()) {
                long now = System.nanoTime();
                roundStats.tlsDone++;
                Histograms.record(roundStats.tls, (now - phaseNanos) / 1_000);
                if (resumed(ctx)) {
                    roundStats.tlsResumed++;
                }
                sendAuth(ctx, now);
            } else {
                failWith(FailureReason.tlsHandshake(handshake.cause(), worker.options().verifiedName()));
                ctx.close();
            }
        }
        ctx.fireUserEventTriggered(evt);
    }

    /** Whether the handshake resumed a session (BoringSSL says so; the JDK provider is not asked). */
    private static boolean resumed(ChannelHandlerContext ctx) {
        SslHandler tls = ctx.pipeline().get(SslHandler.class);
        if (tls != null && tls.engine() instanceof ReferenceCountedOpenSslEngine openSsl) {
            // The native SSL object lives until the SslHandler shuts the engine down, on this same event loop.
            synchronized (openSsl) {
                long ssl = openSsl.sslPointer();
                return ssl != 0 && SSL.isSessionReused(ssl);
            }
        }
        return false;
    }

    private void sendAuth(ChannelHandlerContext ctx, long now) {
        phaseNanos = now;
        phase = FailureReason.Phase.AUTH_SENT;
        LoadOptions o = worker.options();
        AuthRequest auth = AuthRequest.newBuilder().setUsername(o.username()).setPassword(o.password())
                .setClientId("tick-storm-bench").setVersion("tick-storm-bench/1").build();
        ctx.writeAndFlush(OutboundMessage.of(auth), ctx.voidPromise());
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        Frame frame = (Frame) msg;
        try {
            switch (frame.type()) {
                case DATA_BATCH -> onBatch(ctx, frame);
                case ACK -> onAck(ctx, Payloads.parse(frame, AckResponse.class));
                case PONG -> stats.pongs++;
                case ERROR -> onError(ctx, Payloads.parse(frame, ErrorResponse.class));
                default -> stats.failure("unexpected:" + frame.type());
            }
        } finally {
            frame.release();
        }
    }

    private void onAck(ChannelHandlerContext ctx, AckResponse ack) {
        long now = System.nanoTime();
        if (!ack.getSuccess()) {
            failWith(FailureReason.unsuccessfulAck(ack.getAckType().name()));
            ctx.close();
            return;
        }
        if (ack.getAckType() == MessageType.AUTH) {
            roundStats.authenticated++;
            Histograms.record(roundStats.authAck, (now - phaseNanos) / 1_000);
            Histograms.record(roundStats.connectTlsAuth, (now - startNanos) / 1_000);
            roundStats.lastAuthEpochMicros = Math.max(roundStats.lastAuthEpochMicros, worker.clock().epochMicros(now));
            startHeartbeats(ctx);
            phaseNanos = now;
            phase = FailureReason.Phase.SUBSCRIBE_SENT;
            LoadOptions o = worker.options();
            SubscribeRequest.Builder subscribe = SubscribeRequest.newBuilder().setMode(o.mode())
                    .addAllSymbols(o.symbols());
            if (o.conflateMs() > 0) {
                subscribe.putMetadata("conflate_ms", Integer.toString(o.conflateMs()));
            }
            ctx.writeAndFlush(OutboundMessage.of(subscribe.build()), ctx.voidPromise());
        } else if (ack.getAckType() == MessageType.SUBSCRIBE) {
            Histograms.record(roundStats.subscribeAck, (now - phaseNanos) / 1_000);
        } else {
            stats.failure("unexpected-ack:" + ack.getAckType());
        }
    }

    private void startHeartbeats(ChannelHandlerContext ctx) {
        long interval = worker.options().heartbeatIntervalMillis();
        if (interval > 0) {
            heartbeats = ctx.executor().scheduleAtFixedRate(() -> sendHeartbeat(ctx), interval, interval,
                    TimeUnit.MILLISECONDS);
        }
    }

    private void sendHeartbeat(ChannelHandlerContext ctx) {
        HeartbeatRequest heartbeat = HeartbeatRequest.newBuilder().setTimestampMs(System.currentTimeMillis())
                .setSequence(++heartbeatSequence).build();
        ctx.writeAndFlush(OutboundMessage.of(heartbeat), ctx.voidPromise());
    }

    private void onBatch(ChannelHandlerContext ctx, Frame frame) {
        long nowMicros = worker.clock().epochMicros();
        DataBatchScanner batch = scanner;
        if (worker.options().fullDecode()) {
            DataBatch parsed = Payloads.parse(frame, DataBatch.class);
            batch.scan(frame.content());
            if (parsed.getTicksCount() != batch.tickCount()) {
                stats.failure("decode:tick-count-mismatch");
            }
        } else {
            batch.scan(frame.content());
        }
        long sequence = batch.sequence();
        if (batch.snapshot()) {
            stats.snapshots++;
            if (expectedSequence < 0) {
                expectedSequence = sequence + 1;
                long now = System.nanoTime();
                phase = FailureReason.Phase.SUBSCRIBED;
                roundStats.subscribed++;
                Histograms.record(roundStats.untilSnapshot, (now - startNanos) / 1_000);
                roundStats.lastSubscribedEpochMicros = Math.max(roundStats.lastSubscribedEpochMicros,
                        worker.clock().epochMicros(now));
                settle(ctx, true);
            } else {
                stats.failure("protocol:second-snapshot");
            }
            return;
        }
        if (expectedSequence < 0) {
            stats.failure("protocol:batch-before-snapshot");
            expectedSequence = sequence + 1;
        } else if (sequence == expectedSequence) {
            expectedSequence++;
        } else if (sequence > expectedSequence) {
            stats.gaps += sequence - expectedSequence;
            expectedSequence = sequence + 1;
        } else {
            stats.duplicates++;
        }
        if (stats.recording) {
            stats.batches++;
            stats.ticks += batch.tickCount();
            stats.bytes += FrameDescriptor.frameLength(frame.content().readableBytes());
            long latencyMicros = nowMicros - batch.firstTickTimestampMs() * 1_000;
            Histograms.record(stats.latency, latencyMicros, worker.options().expectedIntervalMicros());
            Histograms.record(stats.latencyRaw, latencyMicros);
        }
    }

    private void onError(ChannelHandlerContext ctx, ErrorResponse error) {
        stats.error(error.getCode().name());
        fail();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Throwable root = cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
        failWith(FailureReason.exception(root, phase, worker.options().tls()));
        ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (heartbeats != null) {
            heartbeats.cancel(false);
        }
        if (!stopping) {
            stats.closedByServer++;
            if (!settled) {
                failWith(FailureReason.closedBy(phase, worker.options().tls()));
            }
        }
        fail();
        ctx.fireChannelInactive();
    }

    /** Records why the connection failed (the first reason only) and counts it as failed unless it settled. */
    private void failWith(String reason) {
        if (!reasonGiven) {
            reasonGiven = true;
            stats.failure(reason);
        }
        fail();
    }

    /** Counts the connection as failed unless it already settled. */
    private void fail() {
        if (!settled) {
            roundStats.failed++;
        }
        settle(null, false);
    }

    private void settle(ChannelHandlerContext ctx, boolean subscribed) {
        if (settled) {
            return;
        }
        settled = true;
        if (subscribed && slow) {
            // Stop reading: the server's outbound budget and write deadline must now close this connection.
            ctx.channel().config().setAutoRead(false);
        }
        settlement.settled(this, subscribed);
    }

    /** At the end of the run, counts a connection the server kept open. Call on the channel's loop. */
    void countOpen() {
        stats.stillOpen++;
    }
}

package io.tickstorm.protocol.client;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;
import io.tickstorm.protocol.proto.DataBatch;
import io.tickstorm.protocol.proto.ErrorCode;
import io.tickstorm.protocol.proto.HeartbeatResponse;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A subscription that outlives its connections (PROTOCOL.md §5.3, §5.5, §5.10): when the server ends the session
 * with SERVER_SHUTTING_DOWN (or any other ERROR a retry may cure), the connection drops, or nothing arrives for the
 * {@linkplain ReconnectPolicy#silenceTimeout() silence timeout}, it reconnects after a back-off with jitter to the
 * next of its {@link ServerAddress}es, authenticates again and subscribes again:
 *
 * <ul>
 *   <li>SECOND and MINUTE resume with {@code start_time_ms} = the last bar timestamp seen + 1, so the server replays
 *       what was missed; the first batch of the new connection must carry the previous batch's sequence + 1 (these
 *       modes number batches by epoch second or minute, the same on every replica), and any difference is reported
 *       to {@link ResumeListener#onGap}. If the server no longer retains the resume point (INVALID_SUBSCRIPTION), it
 *       subscribes afresh and says so to {@link ResumeListener#onResumeImpossible}.</li>
 *   <li>REALTIME keeps no history: the new subscription is a fresh one and {@link ResumeListener#onResumeImpossible}
 *       says so; its sequence restarts, so continuity is checked within each connection only.</li>
 * </ul>
 *
 * <p>Final failures end the subscription, completing {@link #terminated()} exceptionally with a
 * {@link TickClientException}: wrong credentials or a refused subscription (a retry cannot cure them), a transport
 * mismatch (TLS against a plain server or the reverse), a TLS failure before the first successful subscription, or,
 * with {@link ReconnectPolicy#NEVER}, any end of the session (the initial connection still tries each address once).
 *
 * <pre>{@code
 * try (ResumingSubscription stream = new ResumingSubscription(options, addresses,
 *         Subscription.of(SubscriptionMode.SECOND, List.of("AAPL")), ReconnectPolicy.DEFAULT, listener)) {
 *     stream.start();
 *     stream.terminated().join();          // or close() when done
 * }
 * }</pre>
 *
 * <p>Threads: owns a one-thread event loop on which every connection, timer and listener call runs, so its state has
 * one writer and no locks; {@link #start()} and {@link #close()} may be called from any thread.
 */
public final class ResumingSubscription implements AutoCloseable {

    private final TickClientOptions options;
    private final List<ServerAddress> addresses;
    private final Subscription subscription;
    private final ReconnectPolicy policy;
    private final ResumeListener listener;
    private final EventLoopGroup group;
    private final EventLoop loop;
    private final SslContext sslContext;
    private final CompletableFuture<Void> terminated = new CompletableFuture<>();

    // Event loop state.
    private Connection current;
    private int nextAddress;
    private int failures;
    private boolean everSubscribed;
    private boolean haveLast;
    private long lastSequence;
    private long lastTimestampMs;
    private ScheduledFuture<?> pendingAttempt;
    private volatile long gaps;
    private volatile boolean finished;

    /**
     * @param options credentials, TLS and timeouts; its host and port are replaced by each of {@code addresses}
     * @param addresses the servers to try, in order, round robin; at least one
     */
    public ResumingSubscription(TickClientOptions options, List<ServerAddress> addresses, Subscription subscription,
            ReconnectPolicy policy, ResumeListener listener) {
        this.options = Objects.requireNonNull(options, "options");
        this.addresses = List.copyOf(addresses);
        if (this.addresses.isEmpty()) {
            throw new IllegalArgumentException("addresses: at least one");
        }
        this.subscription = Objects.requireNonNull(subscription, "subscription");
        this.policy = Objects.requireNonNull(policy, "policy");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.sslContext = options.tls() ? ClientSslContextFactory.create(options) : null;
        this.group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("tick-resume", true),
                NioIoHandler.newFactory());
        this.loop = group.next();
    }

    /** Starts the first connection attempt; returns at once. */
    public void start() {
        loop.execute(() -> attempt(1));
    }

    /**
     * Completes normally after {@link #close()}, exceptionally with a {@link TickClientException} when the
     * subscription ends by itself (see the class comment).
     */
    public CompletableFuture<Void> terminated() {
        return terminated;
    }

    /** Sequence gaps reported to {@link ResumeListener#onGap} so far. */
    public long gaps() {
        return gaps;
    }

    /** Closes the current connection, stops reconnecting, and shuts the event loop down (waits unless on it). */
    @Override
    public void close() {
        if (!loop.isShuttingDown()) {
            loop.execute(() -> finish(null));
        }
        Future<?> stopped = group.shutdownGracefully(0, 2, TimeUnit.SECONDS);
        if (!loop.inEventLoop()) {
            stopped.awaitUninterruptibly();
        }
        terminated.complete(null);
    }

    private void attempt(int attempt) {
        pendingAttempt = null;
        if (finished) {
            return;
        }
        ServerAddress address = addresses.get(nextAddress % addresses.size());
        long startTimeMs = startTimeMs();
        Connection connection = new Connection(address, attempt, startTimeMs,
                haveLast && subscription.resumable());
        current = connection;
        listener.onConnecting(address, attempt);
        TickClientOptions target = options.toBuilder().host(address.host()).port(address.port()).build();
        TickClient client = new TickClient(target, connection, group, sslContext);
        connection.client = client;
        connection.lastReceivedNanos = System.nanoTime();
        client.connectAsync()
                .thenCompose(connected -> client.authenticateAsync())
                .thenCompose(authenticated -> subscribe(connection, startTimeMs))
                .whenComplete((ack, error) -> onLoop(() -> subscribed(connection, error)));
    }

    /**
     * Runs {@code task} now if on the loop: the SUBSCRIBE ACK completes its future there, inside the read that also
     * holds the snapshot, and {@link ResumeListener#onSubscribed} must come before that snapshot's batch.
     */
    private void onLoop(Runnable task) {
        if (loop.inEventLoop()) {
            task.run();
        } else {
            loop.execute(task);
        }
    }

    private CompletableFuture<?> subscribe(Connection connection, long startTimeMs) {
        return subscription.sendOn(connection.client, startTimeMs)
                .exceptionallyCompose(error -> {
                    TickClientException failure = unwrap(error);
                    if (startTimeMs == 0 || failure.code() != ErrorCode.INVALID_SUBSCRIPTION || !connection.resumed) {
                        return CompletableFuture.failedFuture(failure);
                    }
                    // §5.3: the resume point is no longer retained (or this replica's clock is behind it); the
                    // connection stays open, so subscribe afresh on it.
                    onLoop(() -> listener.onResumeImpossible("the server refused to resume from " + startTimeMs
                            + " (" + failure.getMessage() + "): subscribing afresh; bars since then are lost"));
                    connection.startTimeMs = 0;
                    connection.resumed = false;
                    return subscription.sendOn(connection.client, 0);
                });
    }

    private long startTimeMs() {
        if (!haveLast) {
            return subscription.startTimeMs();
        }
        if (!subscription.resumable()) {
            return 0;
        }
        return lastTimestampMs + 1;
    }

    private void subscribed(Connection connection, Throwable error) {
        if (connection != current || finished) {
            connection.client.close();
            return;
        }
        if (error != null) {
            connection.client.close();
            ended(connection, unwrap(error));
            return;
        }
        connection.subscribed = true;
        everSubscribed = true;
        failures = 0;
        listener.onSubscribed(connection.address, connection.startTimeMs, connection.resumed);
        if (connection.closeCause != null) {
            ended(connection, connection.closeCause);
            return;
        }
        if (options.heartbeatsEnabled()) {
            long periodNanos = policy.silenceTimeout().toNanos() / 2;
            connection.silenceCheck = loop.scheduleAtFixedRate(() -> checkSilence(connection), periodNanos,
                    periodNanos, TimeUnit.NANOSECONDS);
        }
    }

    private void checkSilence(Connection connection) {
        if (connection == current && System.nanoTime() - connection.lastReceivedNanos > policy.silenceTimeout()
                .toNanos()) {
            connection.client.close();
            ended(connection, new TickClientException("nothing from the server (no batch, no PONG) for "
                    + policy.silenceTimeout().toMillis() + " ms: connection presumed dead"));
        }
    }

    /** The session on {@code connection} is over: decide between reconnecting and giving up. */
    private void ended(Connection connection, Throwable cause) {
        if (connection != current || finished) {
            return;
        }
        current = null;
        if (connection.silenceCheck != null) {
            connection.silenceCheck.cancel(false);
        }
        listener.onDisconnected(connection.address, connection.subscribed, cause);
        nextAddress++;
        if (isFinal(cause)) {
            finish(cause);
            return;
        }
        if (!policy.enabled()) {
            // Without reconnecting, only the very first connection moves on to the next address.
            boolean untried = !everSubscribed && nextAddress < addresses.size() && !connection.subscribed;
            if (untried) {
                attempt(nextAddress + 1);
            } else {
                finish(cause);
            }
            return;
        }
        if (connection.subscribed && haveLast && !subscription.resumable()) {
            listener.onResumeImpossible(subscription.mode() + " keeps no history: the next subscription starts"
                    + " afresh; ticks sent while disconnected are lost and the batch sequence restarts");
        }
        // failures counts the failures in a row, the lost session included: the first reconnect waits the initial
        // delay. Attempts are numbered from the loss (or from the start, before any subscription).
        failures = connection.subscribed ? 1 : failures + 1;
        Duration delay = policy.delay(failures, () -> ThreadLocalRandom.current().nextDouble());
        int attempt = connection.subscribed ? 1 : connection.attempt + 1;
        listener.onReconnectScheduled(addresses.get(nextAddress % addresses.size()), delay.toMillis());
        pendingAttempt = loop.schedule(() -> attempt(attempt), delay.toNanos(), TimeUnit.NANOSECONDS);
    }

    private boolean isFinal(Throwable cause) {
        if (!(cause instanceof TickClientException failure)) {
            return false;
        }
        return switch (failure.kind()) {
            case SERVER_SPEAKS_PLAIN, SERVER_SPEAKS_TLS -> true;
            // Before any subscription this is most likely plain TCP to a TLS server; after one, a server that went.
            case CLOSED_BEFORE_AUTH -> !everSubscribed;
            // A TLS setup that has never worked is a configuration error; once it has, a failure may be transient.
            case TLS -> !everSubscribed;
            case CONNECTION -> false;
            case SERVER_ERROR -> switch (failure.code()) {
                case SERVER_SHUTTING_DOWN, HEARTBEAT_TIMEOUT, SLOW_CONSUMER, SERVER_OVERLOADED, RATE_LIMITED,
                        INTERNAL_ERROR -> false;
                default -> true;
            };
        };
    }

    private void finish(Throwable cause) {
        if (finished) {
            return;
        }
        finished = true;
        if (pendingAttempt != null) {
            pendingAttempt.cancel(false);
        }
        Connection connection = current;
        current = null;
        if (connection != null) {
            if (connection.silenceCheck != null) {
                connection.silenceCheck.cancel(false);
            }
            connection.client.close();
        }
        if (cause == null) {
            terminated.complete(null);
        } else {
            terminated.completeExceptionally(cause);
        }
    }

    private static TickClientException unwrap(Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        return cause instanceof TickClientException failure ? failure
                : new TickClientException("connection failed: " + cause, cause);
    }

    private void batch(Connection connection, DataBatch batch) {
        if (connection != current || finished) {
            return;
        }
        connection.lastReceivedNanos = System.nanoTime();
        long sequence = Integer.toUnsignedLong(batch.getBatchSequence());
        if (connection.firstBatch) {
            connection.firstBatch = false;
            if (connection.resumed && subscription.resumable()) {
                long expected = (lastSequence + 1) & 0xFFFF_FFFFL;
                if (sequence != expected) {
                    gap(expected, sequence);
                }
            }
        }
        if (subscription.resumable()) {
            // A bar's timestamp_ms is its interval's boundary, whose epoch second (minute) is the batch_sequence
            // (§5.5, §5.6); an empty batch (no symbol has ticked yet) has only the sequence to go by.
            long newest = batch.getTicksCount() == 0 ? sequence * subscription.intervalMs() : Long.MIN_VALUE;
            for (int i = 0, n = batch.getTicksCount(); i < n; i++) {
                newest = Math.max(newest, batch.getTicks(i).getTimestampMs());
            }
            lastTimestampMs = haveLast ? Math.max(lastTimestampMs, newest) : newest;
        }
        lastSequence = sequence;
        haveLast = true;
        listener.onBatch(batch);
    }

    private void gap(long expected, long actual) {
        gaps++;
        listener.onGap(expected, actual);
    }

    /** One connection's state and the listener its {@link TickClient} reports to. */
    private final class Connection implements TickListener {
        final ServerAddress address;
        final int attempt;
        TickClient client;
        long startTimeMs;
        boolean resumed;
        boolean subscribed;
        boolean firstBatch = true;
        long lastReceivedNanos;
        Throwable closeCause;
        ScheduledFuture<?> silenceCheck;

        Connection(ServerAddress address, int attempt, long startTimeMs, boolean resumed) {
            this.address = address;
            this.attempt = attempt;
            this.startTimeMs = startTimeMs;
            this.resumed = resumed;
        }

        @Override
        public void onBatch(DataBatch batch) {
            batch(this, batch);
        }

        @Override
        public void onGap(long expected, long actual) {
            if (this == current && !finished) {
                gap(expected, actual);
            }
        }

        @Override
        public void onPong(HeartbeatResponse pong) {
            lastReceivedNanos = System.nanoTime();
        }

        @Override
        public void onClosed(Throwable cause) {
            closeCause = cause != null ? cause : new TickClientException("connection closed");
            if (subscribed) {
                ended(this, closeCause);
            }
        }
    }
}

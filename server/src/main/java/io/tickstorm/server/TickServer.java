package io.tickstorm.server;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.netty.util.internal.PlatformDependent;
import io.tickstorm.limits.JvmSamplers;
import io.tickstorm.limits.Limits;
import io.tickstorm.limits.Resource;
import io.tickstorm.limits.ResourceBreachListener;
import io.tickstorm.limits.ResourceMonitor;
import io.tickstorm.protocol.proto.ErrorCode;
import io.tickstorm.server.admission.AdmissionControl;
import io.tickstorm.server.admission.Refusal;
import io.tickstorm.server.admission.RefusalReason;
import io.tickstorm.server.admission.RefusalResponder;
import io.tickstorm.server.auth.Authenticator;
import io.tickstorm.server.auth.CredentialsReloadTask;
import io.tickstorm.server.config.AllocatorType;
import io.tickstorm.server.config.TransportType.Transport;
import io.tickstorm.server.config.ServerConfig;
import io.tickstorm.server.entitlement.EntitlementGuard;
import io.tickstorm.server.fanout.FanOut;
import io.tickstorm.server.fanout.FanOutContext;
import io.tickstorm.server.feed.BarHistory;
import io.tickstorm.server.feed.EpochNanoClock;
import io.tickstorm.server.feed.FeedConfig;
import io.tickstorm.server.feed.LatestTicks;
import io.tickstorm.server.feed.MarketView;
import io.tickstorm.server.feed.SymbolUniverse;
import io.tickstorm.server.feed.TickFeed;
import io.tickstorm.server.feed.TickSource;
import io.tickstorm.server.feed.file.FileSource;
import io.tickstorm.server.feed.kafka.KafkaSource;
import io.tickstorm.server.feed.synthetic.SyntheticMarket;
import io.tickstorm.server.feed.synthetic.SyntheticSource;
import io.tickstorm.server.feed.synthetic.SyntheticSymbols;
import io.tickstorm.server.health.EventLoopProbe;
import io.tickstorm.server.health.HealthState;
import io.tickstorm.server.http.MetricsHttpServer;
import io.tickstorm.server.metrics.FeedGauges;
import io.tickstorm.server.metrics.ResourceGauges;
import io.tickstorm.server.metrics.ServerMetrics;
import io.tickstorm.server.pipeline.AcceptedConnectionCounter;
import io.tickstorm.server.connection.ErrorResponder;
import io.tickstorm.server.pipeline.OverloadRefusalResponder;
import io.tickstorm.server.pipeline.PreAuthBudget;
import io.tickstorm.server.pipeline.ServerChannelInitializer;
import io.tickstorm.server.pipeline.TotalOutboundBudget;
import io.tickstorm.server.tls.GeneratedCertificate;
import io.tickstorm.server.tls.ReloadingSslContext;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Tick-Storm server: the tick listener, its event loops, the feed and fan-out, and the metrics and health HTTP
 * server. {@link #start()} returns once both ports are bound; {@link #close()} drains (readiness false, admission
 * closed, SERVER_SHUTTING_DOWN to every client, connections closed within the grace period) and frees everything.
 */
public final class TickServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TickServer.class);
    /** Breaches that close admission; a connections breach only turns readiness off (the cap itself refuses). */
    private static final Set<Resource> ADMISSION_BREACHES =
            EnumSet.of(Resource.HEAP, Resource.DIRECT_MEMORY, Resource.OPEN_FILES);
    private static final Duration LIVENESS_TIMEOUT = Duration.ofSeconds(2);
    /** How often the server-wide outbound budget is checked: overload fills queues within fractions of a second. */
    private static final long TOTAL_OUTBOUND_SAMPLE_MS = 100;

    private final ServerConfig config;
    private final Limits limits;
    private final ServerMetrics metrics;
    private final HealthState health;

    private volatile boolean shuttingDown;
    private EventLoopGroup bossGroup;
    private EventLoopGroup workerGroup;
    private EventLoopGroup httpGroup;
    private ScheduledExecutorService maintenance;
    private ChannelGroup channels;
    private Channel serverChannel;
    private Authenticator authenticator;
    private ReloadingSslContext tls;
    private ResourceMonitor monitor;
    private TotalOutboundBudget totalOutbound;
    private AdmissionControl admission;
    private FanOut fanOut;
    private EntitlementGuard entitlements;
    private volatile TickFeed feed;
    /** Volatile: bound before the feed rebuilds its history, so that probes are answered meanwhile. */
    private volatile MetricsHttpServer http;
    private ErrorResponder responder;
    private ByteBufAllocator allocator;
    private PreAuthBudget preAuthBudget;
    private final AcceptedConnectionCounter accepted = new AcceptedConnectionCounter();
    private boolean closed;
    private volatile EventLoopProbe liveness;

    public TickServer(ServerConfig config, Limits limits, ServerMetrics metrics) {
        this.config = config;
        this.limits = limits;
        this.metrics = metrics;
        this.health = new HealthState(this::inBreach, this::eventLoopsLive, this::memoryBreachIdle, this::feedRunning);
    }

    private boolean inBreach() {
        return monitor != null && monitor.anyBreach();
    }

    private boolean feedRunning() {
        TickFeed current = feed;
        return current != null && current.isRunning();
    }

    private boolean memoryBreachIdle() {
        return monitor != null && monitor.memoryBreachIdle();
    }

    private boolean eventLoopsLive() {
        EventLoopProbe probe = liveness;
        return probe != null && probe.getAsBoolean();
    }

    /** Binds the tick and metrics ports, starts the feed and returns; throws (after cleaning up) if it cannot. */
    public synchronized TickServer start() throws IOException, InterruptedException {
        try {
            startComponents();
        } catch (IOException | InterruptedException | RuntimeException e) {
            close();
            throw e;
        }
        return this;
    }

    private void startComponents() throws IOException, InterruptedException {
        Transport transport = config.transport().resolve();
        IoHandlerFactory ioHandlers = transport.ioHandlers();
        bossGroup = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("tick-accept", true), ioHandlers);
        workerGroup = new MultiThreadIoEventLoopGroup(limits.eventLoopThreads(),
                new DefaultThreadFactory("tick-io", true), ioHandlers);
        httpGroup = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("tick-http", true), ioHandlers);
        Class<? extends ServerChannel> serverChannelType = transport.serverChannelType();
        liveness = new EventLoopProbe(List.of(bossGroup, workerGroup), LIVENESS_TIMEOUT);
        // Pinged from the HTTP port's own loop: if that loop stalls, the probes go unanswered anyway.
        liveness.start(httpGroup.next());
        http = new MetricsHttpServer(config.metrics(), metrics, health, httpGroup, serverChannelType);
        maintenance = Executors.newSingleThreadScheduledExecutor(new DefaultThreadFactory("tick-maintenance", true));
        channels = new DefaultChannelGroup("tick-clients", GlobalEventExecutor.INSTANCE);
        responder = new ErrorResponder(metrics);
        allocator = config.allocator().allocator();
        preAuthBudget = new PreAuthBudget(config.preAuth().budgetBytes(limits.directMemoryBytes()));

        authenticator = new Authenticator(config.auth());
        config.auth().credentialsFile().ifPresent(this::requireUsers);
        maintenance.scheduleWithFixedDelay(new CredentialsReloadTask(authenticator), 10, 10, TimeUnit.SECONDS);
        tls = config.tls().enabled() ? ReloadingSslContext.open(config.tls(), maintenance) : null;

        admission = new AdmissionControl(config.admission(), limits.connectionCap(), limits.connectionCapBound(),
                this::admissionGate, tls != null ? RefusalResponder.CLOSE : new OverloadRefusalResponder(metrics),
                reason -> metrics.connectionRejected(reason.label()), System::nanoTime);
        monitor = ResourceMonitor.forLimits(limits, TickServer::directMemoryUsed, accepted::open,
                admission::activeConnections, http::openConnections, config.metrics().maxConnections(),
                ResourceBreachListener.NONE);
        monitor.start(maintenance, limits.config().sampleInterval());

        totalOutbound = new TotalOutboundBudget(channels, config.write().totalBudgetBytes(limits.directMemoryBytes()),
                config.write().highWaterMarkBytes(), TickServer::directMemoryUsed, responder);
        maintenance.scheduleWithFixedDelay(totalOutbound, TOTAL_OUTBOUND_SAMPLE_MS, TOTAL_OUTBOUND_SAMPLE_MS,
                TimeUnit.MILLISECONDS);

        FeedConfig feedConfig = config.feed();
        SymbolUniverse universe = createUniverse(feedConfig);
        FanOut.requireUniverseFits(universe.capacity(), config.maxPayloadBytes());
        TickSource source = createSource(feedConfig, universe);
        EpochNanoClock clock = EpochNanoClock.system();
        BarHistory history = BarHistory.startingAt(Math.floorDiv(clock.epochNanos(), 1_000_000L), feedConfig,
                source.canBackfill());
        MarketView market = new MarketView(universe, history, new LatestTicks(universe.capacity()), this::wakeFeed);
        // The fan-out encodes on the feed thread, which is no event loop: the pooled allocator serves it from its
        // shared arenas (no thread cache), and at 10 M ticks/s that cost 15-25% of the batches and doubled p99
        // (bench/RESULTS.md). Its buffers are bounded by the subscribers' budgets, not by what clients send, so
        // they need not come back after a flood: the adaptive allocator serves them.
        FanOutContext context = new FanOutContext(AllocatorType.ADAPTIVE.allocator(), responder, clock,
                config.maxPayloadBytes(), config.batchWindow().toNanos());
        fanOut = new FanOut(context, workerGroup, metrics, market);
        entitlements = new EntitlementGuard(config.entitlements(), universe, responder, metrics);
        long entitlementsReloadNanos = config.entitlements().reloadInterval().toNanos();
        maintenance.scheduleWithFixedDelay(this::pollEntitlements, entitlementsReloadNanos, entitlementsReloadNanos,
                TimeUnit.NANOSECONDS);
        feed = new TickFeed(source, market, fanOut, clock);
        registerGauges();
        // The health port is already up: a source rebuilding from a log it cannot reach yet says so on /health/ready.
        if (source instanceof KafkaSource kafka) {
            health.startingBecause(kafka::status);
        }
        feed.rebuildHistory();

        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(bossGroup, workerGroup)
                .channel(serverChannelType)
                .option(ChannelOption.SO_BACKLOG, 4096)
                .option(ChannelOption.SO_REUSEADDR, true)
                .option(ChannelOption.ALLOCATOR, allocator)
                .handler(accepted)
                .childOption(ChannelOption.ALLOCATOR, allocator)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(
                        config.write().lowWaterMarkBytes(), config.write().highWaterMarkBytes()))
                .childHandler(new ServerChannelInitializer(config, metrics, admission, tls, authenticator, fanOut,
                        entitlements, channels, responder, preAuthBudget));
        serverChannel = bootstrap.bind(config.listen().toSocketAddress()).sync().channel();
        feed.start();
        health.markStarted();
        LOG.info("Tick-Storm listening on {} ({}, {}), metrics and health on {}, {} event loops",
                tickAddress(), tls != null ? "TLS " + config.tls().minVersion().configValue() + "+ via "
                        + tls.provider() + ", client certificates " + config.tls().clientAuth().name().toLowerCase(Locale.ROOT)
                        : "plain TCP (TLS disabled)",
                transport.description(), config.metrics().address().host() + ":" + http.port(),
                limits.eventLoopThreads());
        LOG.info("Before AUTH: frames up to {} bytes, {} unauthenticated connections ({} per address), {} bytes "
                + "pending in total; {} allocator", config.preAuth().maxPayloadBytes(), admission.unauthenticatedCap(),
                admission.unauthenticatedPerAddressCap(), preAuthBudget.limitBytes(), config.allocator().configValue());
    }

    /**
     * The symbols: {@code TICK_SYMBOLS} when set; else the synthetic market's built-in list, or, for an external
     * source, the symbols its data names, up to {@code FEED_MAX_SYMBOLS} (default: as many as fit in one batch).
     */
    private SymbolUniverse createUniverse(FeedConfig feedConfig) {
        if (!feedConfig.symbols().isEmpty()) {
            return SymbolUniverse.of(feedConfig.symbols());
        }
        if (feedConfig.source() == FeedConfig.Source.SYNTHETIC) {
            return SymbolUniverse.of(SyntheticSymbols.DEFAULT_SYMBOLS);
        }
        int capacity = feedConfig.maxSymbols() > 0 ? feedConfig.maxSymbols()
                : FanOut.maxUniverse(config.maxPayloadBytes());
        return SymbolUniverse.learning(capacity);
    }

    private TickSource createSource(FeedConfig feedConfig, SymbolUniverse universe) {
        return switch (feedConfig.source()) {
            case SYNTHETIC -> new SyntheticSource(new SyntheticMarket(feedConfig, universe));
            case FILE -> FileSource.open(feedConfig, System.in, this::wakeFeed);
            case KAFKA -> KafkaSource.open(feedConfig, EpochNanoClock.system(), this::wakeFeed);
        };
    }

    /** Ends the feed thread's sleep (a REALTIME stream starts); the fan-out may ask before the feed exists. */
    private void wakeFeed() {
        TickFeed current = feed;
        if (current != null) {
            current.wake();
        }
    }

    /**
     * Direct memory in use: the JDK's buffer pool counts every cleaner-backed buffer (Netty's too, when it cannot
     * use its cleaner-less ones); Netty's own counter covers only the cleaner-less buffers, which the pool misses.
     */
    private static long directMemoryUsed() {
        long jdk = JvmSamplers.jdkDirectMemoryUsed().getAsLong();
        return PlatformDependent.useDirectBufferNoCleaner() ? jdk + Math.max(0, PlatformDependent.usedDirectMemory())
                : jdk;
    }

    private Refusal admissionGate() {
        if (shuttingDown) {
            return new Refusal(RefusalReason.SHUTDOWN, "server shutting down");
        }
        for (Resource resource : ADMISSION_BREACHES) {
            if (monitor.breachActive(resource)) {
                return new Refusal(RefusalReason.BREACH, "resource breach: " + resource.label());
            }
        }
        return null;
    }

    /**
     * A credentials file without users admits nobody: not ready (with the reason on /health/ready) until a reload
     * brings users, so that a rollout with an empty Secret stops rather than replacing working replicas.
     */
    private void requireUsers(Path credentialsFile) {
        Authenticator users = authenticator;
        String reason = "no users in the credentials file " + credentialsFile
                + " (CREDENTIALS_FILE): nobody can log in";
        health.notReadyWhile(() -> users.users() == 0 ? reason : null);
        if (users.users() == 0) {
            LOG.warn("Not ready: {}; readiness turns true once a reload of the file brings users", reason);
        }
    }

    private void pollEntitlements() {
        try {
            reloadEntitlements();
        } catch (RuntimeException e) {
            LOG.warn("Entitlements reload failed, keeping the previous entitlements: {}", e.getMessage());
        }
    }

    /**
     * Re-reads the entitlements file now (it is also polled every {@code tick-storm.entitlements.reload-interval});
     * if it changed, every subscription it takes a symbol from is sent INVALID_SUBSCRIPTION and closed.
     *
     * @return true if the entitlements changed
     * @throws io.tickstorm.server.entitlement.EntitlementsFileException if the file is unreadable or malformed (the
     *     previous entitlements stay in force)
     */
    public boolean reloadEntitlements() {
        return entitlements.reload();
    }

    private void registerGauges() {
        metrics.gauge(ServerMetrics.ACTIVE_CONNECTIONS, "Connections currently open (admitted).",
                () -> admission.activeConnections());
        totalOutbound.registerMetrics(metrics);
        metrics.gauge(ServerMetrics.UNAUTHENTICATED_CONNECTIONS,
                "Connections admitted that have not authenticated yet (TLS handshake and AUTH included).",
                () -> admission.unauthenticatedConnections());
        metrics.gauge(ServerMetrics.PRE_AUTH_BUFFERED_BYTES,
                "Bytes unauthenticated connections have sent and the server not yet consumed (the pre-auth budget "
                        + "in use).", () -> preAuthBudget.usedBytes());
        fanOut.registerMetrics(metrics);
        FeedGauges.register(metrics, feed);
        ResourceGauges.register(metrics, limits, monitor);
        metrics.counter(ServerMetrics.AUTH_CACHE_HITS, "AUTH requests answered from the verification cache.",
                List.of(), Map.of(List.of(), () -> authenticator.counters().cacheHits()));
        if (tls != null) {
            metrics.counter(ServerMetrics.TLS_RELOADS, "Reloads of the TLS certificate, key and CA files, by result.",
                    List.of("result"), Map.of(List.of("success"), () -> tls.reloads(),
                            List.of("failure"), () -> tls.reloadFailures()));
        }
    }

    /** The bound tick protocol address. */
    public InetSocketAddress tickAddress() {
        return (InetSocketAddress) serverChannel.localAddress();
    }

    /** The bound metrics and health port. */
    public int metricsPort() {
        return http.port();
    }

    public ServerMetrics metrics() {
        return metrics;
    }

    public HealthState health() {
        return health;
    }

    public Limits limits() {
        return limits;
    }

    public ResourceMonitor monitor() {
        return monitor;
    }

    public TickFeed feed() {
        return feed;
    }

    /** The self-signed certificate generated for the embedded default, if that is what the server presents. */
    public Optional<GeneratedCertificate> generatedCertificate() {
        return tls == null ? Optional.empty() : tls.generatedCertificate();
    }

    /**
     * Bytes queued on every client connection and not yet written to its socket: what the outbound budgets bound.
     * Read from any thread (Netty keeps the count in a volatile field).
     */
    public long pendingOutboundBytes() {
        return totalOutbound == null ? 0 : totalOutbound.queuedBytes();
    }

    /** Open client connections. */
    public int connections() {
        return channels == null ? 0 : channels.size();
    }

    /**
     * Graceful shutdown (DESIGN.md §7): readiness off, no new connections, SERVER_SHUTTING_DOWN to every client,
     * connections closed within the grace period, then the feed, the event loops and the metrics server stop.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        shuttingDown = true;
        health.markDraining();
        long graceNanos = config.shutdownGrace().toNanos();
        long deadline = System.nanoTime() + graceNanos;
        if (serverChannel != null) {
            serverChannel.close().awaitUninterruptibly();
        }
        if (channels != null) {
            int clients = channels.size();
            for (Channel channel : channels) {
                channel.eventLoop().execute(() -> responder.fatal(channel, ErrorCode.SERVER_SHUTTING_DOWN,
                        "server shutting down; reconnect to another instance", ""));
            }
            long remaining = deadline - System.nanoTime();
            if (!channels.newCloseFuture().awaitUninterruptibly(Math.max(0, remaining), TimeUnit.NANOSECONDS)) {
                LOG.warn("{} connections still open after the shutdown grace period; closing them",
                        channels.size());
            }
            channels.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
            LOG.info("Drained {} client connections", clients);
        }
        if (feed != null) {
            feed.close();
        }
        if (fanOut != null) {
            fanOut.close();
        }
        if (monitor != null) {
            monitor.close();
        }
        if (tls != null) {
            tls.close();
        }
        if (authenticator != null) {
            authenticator.close();
        }
        shutdownGroup(workerGroup);
        shutdownGroup(bossGroup);
        if (maintenance != null) {
            maintenance.shutdownNow();
        }
        if (liveness != null) {
            liveness.close();
        }
        if (http != null) {
            http.close();
        }
        shutdownGroup(httpGroup);
        LOG.info("Tick-Storm stopped");
    }

    private static void shutdownGroup(EventLoopGroup group) {
        if (group != null) {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }
}

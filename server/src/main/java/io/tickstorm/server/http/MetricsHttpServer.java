package io.tickstorm.server.http;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.util.concurrent.EventExecutor;
import io.tickstorm.server.config.MetricsHttpConfig;
import io.tickstorm.server.health.HealthState;
import io.tickstorm.server.metrics.ServerMetrics;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleSupplier;

/**
 * The metrics and health port: {@code /metrics} (Prometheus text) and the probes {@code /health/live},
 * {@code /health/ready} and {@code /health/startup}, served by Netty on one event loop of their own so that nothing an
 * HTTP client does reaches the tick port, and nothing it does delays a probe:
 *
 * <ul>
 *   <li>probes are answered on the event loop from state read without blocking; scrapes are rendered on a bounded
 *       scrape thread ({@link ScrapeExecutor}), so a probe never waits behind one;
 *   <li>every request must arrive whole, and its response be written, within the request timeout, and an idle
 *       connection lasts the idle timeout ({@link RequestDeadlineHandler}): a slow client holds a socket, not the
 *       port;
 *   <li>at most {@code max-connections} sockets; past that the least recently active is closed to make room
 *       ({@link HttpConnectionLimiter}), so the newest connection, a probe, always gets in and the port's
 *       descriptors stay within what the descriptor reserve sets aside for it.
 * </ul>
 * The event loop group is the caller's (it owns and shuts it down); it must have exactly one loop.
 */
public final class MetricsHttpServer implements AutoCloseable {

    private static final int ACCEPT_BACKLOG = 128;

    private final HttpPortStats stats = new HttpPortStats();
    private final HttpConnectionLimiter limiter;
    private final ScrapeExecutor scrapes;
    private final Channel serverChannel;

    /**
     * Binds the port and registers the {@code tick_storm_http_*} metrics.
     *
     * @param group       one event loop for the listener and all its connections
     * @param channelType the server channel class matching the group's transport (epoll or NIO)
     * @throws IOException when the address cannot be bound
     */
    public MetricsHttpServer(MetricsHttpConfig config, ServerMetrics metrics, HealthState health, EventLoopGroup group,
            Class<? extends ServerChannel> channelType) throws IOException {
        requireOneLoop(group);
        limiter = new HttpConnectionLimiter(config.maxConnections(), stats);
        scrapes = new ScrapeExecutor(metrics.registry());
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(group)
                .channel(channelType)
                .option(ChannelOption.SO_BACKLOG, ACCEPT_BACKLOG)
                .option(ChannelOption.SO_REUSEADDR, true)
                .handler(limiter)
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new MetricsHttpChannelInitializer(config, health, scrapes, stats));
        ChannelFuture bound = bootstrap.bind(config.address().toSocketAddress()).awaitUninterruptibly();
        if (!bound.isSuccess()) {
            scrapes.close();
            throw new IOException("cannot bind the metrics port " + config.address() + ": " + bound.cause(),
                    bound.cause());
        }
        serverChannel = bound.channel();
        registerMetrics(metrics);
    }

    private static void requireOneLoop(EventLoopGroup group) {
        int loops = 0;
        for (EventExecutor ignored : group) {
            loops++;
        }
        if (loops != 1) {
            // The connection cap keeps its state unlocked on the assumption that every channel shares one thread.
            throw new IllegalArgumentException("the metrics port needs a group of exactly one event loop, got " + loops);
        }
    }

    private void registerMetrics(ServerMetrics metrics) {
        metrics.gauge(ServerMetrics.HTTP_CONNECTIONS, "Sockets open on the metrics and health port.",
                limiter::open);
        Map<List<String>, DoubleSupplier> closes = new LinkedHashMap<>();
        for (HttpPortStats.Close reason : HttpPortStats.Close.values()) {
            closes.put(List.of(reason.label()), () -> stats.closes(reason));
        }
        metrics.counter(ServerMetrics.HTTP_CONNECTIONS_CLOSED,
                "Connections the metrics and health port closed itself, by reason (evicted at the connection cap, "
                        + "request, response or idle timeout).", List.of("reason"), closes);
        metrics.counter(ServerMetrics.HTTP_SCRAPES_REJECTED,
                "Scrapes of /metrics refused with 503 because the scrape thread already had a full queue.", List.of(),
                Map.of(List.of(), stats::scrapesRejected));
    }

    /** The bound port (useful when configured as 0). */
    public int port() {
        return ((InetSocketAddress) serverChannel.localAddress()).getPort();
    }

    public InetSocketAddress address() {
        return new InetSocketAddress("127.0.0.1", port());
    }

    /** Sockets open on this port, from accept to close; never more than the cap plus the one being accepted. */
    public int openConnections() {
        return limiter.open();
    }

    /** Closes the listener, its connections and the scrape thread (not the event loop group: the caller's). */
    @Override
    public void close() {
        serverChannel.close().awaitUninterruptibly();
        EventLoop loop = serverChannel.eventLoop();
        if (!loop.isShuttingDown()) {
            loop.submit(limiter::closeAll).awaitUninterruptibly();
        }
        scrapes.close();
    }
}

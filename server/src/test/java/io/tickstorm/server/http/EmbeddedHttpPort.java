package io.tickstorm.server.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.prometheus.client.CollectorRegistry;
import io.tickstorm.server.config.HostPort;
import io.tickstorm.server.config.MetricsHttpConfig;
import io.tickstorm.server.health.HealthState;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * One connection to the metrics port in an {@link EmbeddedChannel} (the real pipeline of
 * {@link MetricsHttpChannelInitializer}), with a frozen clock moved by {@link #advance(Duration)}. Requests go in as
 * raw bytes; responses come out as the raw bytes the codec wrote.
 */
final class EmbeddedHttpPort implements AutoCloseable {

    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);
    static final Duration IDLE_TIMEOUT = Duration.ofSeconds(60);
    static final MetricsHttpConfig CONFIG = new MetricsHttpConfig(new HostPort("127.0.0.1", 0), 4, REQUEST_TIMEOUT,
            IDLE_TIMEOUT);

    final HttpPortStats stats = new HttpPortStats();
    final ScrapeExecutor scrapes;
    final EmbeddedChannel channel;
    private final boolean ownsScrapes;

    /** A connection with a scrape thread of its own, closed with it. */
    EmbeddedHttpPort(HealthState health, CollectorRegistry registry) {
        this(health, new ScrapeExecutor(registry), true);
    }

    /** Another connection to the same port: it shares {@code scrapes}, which its first connection closes. */
    EmbeddedHttpPort(HealthState health, ScrapeExecutor scrapes) {
        this(health, scrapes, false);
    }

    private EmbeddedHttpPort(HealthState health, ScrapeExecutor scrapes, boolean ownsScrapes) {
        this.scrapes = scrapes;
        this.ownsScrapes = ownsScrapes;
        channel = new EmbeddedChannel();
        channel.freezeTime();
        channel.config().setAutoRead(false);
        channel.pipeline().addLast(new MetricsHttpChannelInitializer(CONFIG, health, scrapes, stats));
        channel.pipeline().fireChannelActive();
    }

    /** A server that has started, is ready and live, with an empty registry. */
    static EmbeddedHttpPort healthy() {
        HealthState health = new HealthState(() -> false, () -> true, () -> false, () -> true);
        health.markStarted();
        return new EmbeddedHttpPort(health, new CollectorRegistry());
    }

    void send(String ascii) {
        channel.writeInbound(Unpooled.copiedBuffer(ascii, StandardCharsets.US_ASCII));
        channel.runPendingTasks();
    }

    /** Everything written to the client so far, as text (null when nothing was). */
    String received() {
        channel.runPendingTasks();
        StringBuilder text = new StringBuilder();
        for (ByteBuf out = channel.readOutbound(); out != null; out = channel.readOutbound()) {
            text.append(out.toString(StandardCharsets.ISO_8859_1));
            out.release();
        }
        return text.isEmpty() ? null : text.toString();
    }

    /** Waits (bounded) for a scrape rendered on the scrape thread to reach the channel, and returns the output. */
    String awaitReceived() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        String text = received();
        while (text == null && System.nanoTime() - deadline < 0) {
            Thread.sleep(5);
            text = received();
        }
        return text;
    }

    void advance(Duration time) {
        channel.advanceTimeBy(time.toNanos(), TimeUnit.NANOSECONDS);
        channel.runScheduledPendingTasks();
        channel.runPendingTasks();
    }

    boolean open() {
        return channel.isOpen();
    }

    @Override
    public void close() {
        channel.finishAndReleaseAll();
        if (ownsScrapes) {
            scrapes.close();
        }
    }
}

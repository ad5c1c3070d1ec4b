package io.tickstorm.server.http;

import io.netty.util.concurrent.DefaultThreadFactory;
import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.Predicate;
import io.prometheus.client.SampleNameFilter;
import io.prometheus.client.exporter.common.TextFormat;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;

/**
 * Renders {@code /metrics} off the event loop. Collecting the registry runs every collector (JVM MXBeans included)
 * and takes milliseconds, so it runs on one dedicated thread with at most {@value #MAX_WAITING_SCRAPES} scrapes
 * waiting behind it; one more is refused at once ({@link RejectedExecutionException}). The event loop only hands the
 * request over and later writes the finished bytes, so a probe never waits for a scrape, and a client that reads its
 * scrape slowly holds nothing but its own socket.
 *
 * <p>The body is what simpleclient_httpserver wrote: {@link TextFormat} in the negotiated format (Prometheus text
 * 0.0.4, or OpenMetrics 1.0.0 when the {@code Accept} header asks for it), restricted to the {@code name[]} query
 * parameters if any, gzip-compressed when the client accepts gzip.
 */
final class ScrapeExecutor implements AutoCloseable {

    /** Scrapes queued behind the one rendering: enough for a pair of HA Prometheus servers and a human. */
    static final int MAX_WAITING_SCRAPES = 2;
    private static final int INITIAL_BODY_BYTES = 64 << 10;

    /**
     * What one scrape asks for.
     *
     * @param contentType {@link TextFormat#CONTENT_TYPE_004} or {@link TextFormat#CONTENT_TYPE_OPENMETRICS_100}
     * @param names       metric names to restrict the scrape to; empty = everything
     * @param gzip        whether to compress the body
     */
    record Request(String contentType, Set<String> names, boolean gzip) {
    }

    private final CollectorRegistry registry;
    private final ThreadPoolExecutor executor;

    ScrapeExecutor(CollectorRegistry registry) {
        this.registry = registry;
        this.executor = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(MAX_WAITING_SCRAPES), new DefaultThreadFactory("tick-metrics-scrape", true),
                new ThreadPoolExecutor.AbortPolicy());
    }

    /**
     * Renders the scrape on the scrape thread.
     *
     * @throws RejectedExecutionException when {@value #MAX_WAITING_SCRAPES} scrapes are already waiting, or after
     *                                    {@link #close()}
     */
    CompletableFuture<byte[]> render(Request request) {
        return CompletableFuture.supplyAsync(() -> renderNow(request), executor);
    }

    private byte[] renderNow(Request request) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(INITIAL_BODY_BYTES);
        try (OutputStream out = request.gzip() ? new GZIPOutputStream(bytes) : bytes;
                Writer writer = new OutputStreamWriter(out, StandardCharsets.UTF_8)) {
            Predicate<String> filter = SampleNameFilter.restrictToNamesEqualTo(null, request.names());
            TextFormat.writeFormat(request.contentType(), writer, filter == null ? registry.metricFamilySamples()
                    : registry.filteredMetricFamilySamples(filter));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** Stops the scrape thread; scrapes under way are abandoned (their connections are closing too). */
    @Override
    public void close() {
        executor.shutdownNow();
    }
}

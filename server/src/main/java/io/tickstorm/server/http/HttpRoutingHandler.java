package io.tickstorm.server.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.prometheus.client.exporter.common.TextFormat;
import io.tickstorm.server.health.HealthState;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers one request at a time per connection, on exact paths only: {@code /health/live}, {@code /health/ready} and
 * {@code /health/startup} (200 {@code ok}, or 503 with the reason) from state that is read without blocking, right
 * here on the event loop; {@code /metrics} through the {@link ScrapeExecutor}; anything else 404, so a misspelt probe
 * fails instead of passing. GET and HEAD only.
 *
 * <p>The channel does not read by itself (auto-read is off): this handler asks for data while it waits for a request
 * (again after every read cycle that did not complete one, as a {@code read()} lasts one cycle), and for the next
 * request only once the previous response is written. So pipelined requests are answered in order, and a client
 * cannot queue work. One instance per channel; everything but the scrape itself runs on the channel's event loop.
 */
final class HttpRoutingHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

    static final String METRICS = "/metrics";
    static final String LIVE = "/health/live";
    static final String READY = "/health/ready";
    static final String STARTUP = "/health/startup";

    private static final Logger LOG = LoggerFactory.getLogger(HttpRoutingHandler.class);
    private static final String TEXT = "text/plain; charset=utf-8";
    private static final String ALLOWED_METHODS = "GET, HEAD";

    private final HealthState health;
    private final ScrapeExecutor scrapes;
    private final HttpPortStats stats;
    /** From a request's arrival until its response is written: no reading meanwhile. */
    private boolean serving;

    HttpRoutingHandler(HealthState health, ScrapeExecutor scrapes, HttpPortStats stats) {
        this.health = health;
        this.scrapes = scrapes;
        this.stats = stats;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        ctx.read();
        ctx.fireChannelActive();
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (!serving) {
            ctx.read();
        }
        ctx.fireChannelReadComplete();
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        serving = true;
        ctx.pipeline().fireUserEventTriggered(HttpExchangeEvent.REQUEST_RECEIVED);
        if (!request.decoderResult().isSuccess()) {
            respond(ctx, text(HttpResponseStatus.BAD_REQUEST, "bad request"), false, false);
            return;
        }
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        boolean head = HttpMethod.HEAD.equals(request.method());
        if (!head && !HttpMethod.GET.equals(request.method())) {
            FullHttpResponse refusal = text(HttpResponseStatus.METHOD_NOT_ALLOWED, "method not allowed");
            refusal.headers().set(HttpHeaderNames.ALLOW, ALLOWED_METHODS);
            respond(ctx, refusal, head, keepAlive);
            return;
        }
        QueryStringDecoder uri = new QueryStringDecoder(request.uri());
        switch (uri.path()) {
            case LIVE -> respond(ctx, probe(health.live(), String.join(", ", health.notLiveReasons())), head,
                    keepAlive);
            case STARTUP -> respond(ctx, probe(health.started(), "starting"), head, keepAlive);
            case READY -> respond(ctx, probe(health.ready(), String.join(", ", health.notReadyReasons())), head,
                    keepAlive);
            case METRICS -> scrape(ctx, request, uri, head, keepAlive);
            default -> respond(ctx, text(HttpResponseStatus.NOT_FOUND, "not found"), head, keepAlive);
        }
    }

    private void scrape(ChannelHandlerContext ctx, FullHttpRequest request, QueryStringDecoder uri, boolean head,
            boolean keepAlive) {
        String contentType = TextFormat.chooseContentType(request.headers().get(HttpHeaderNames.ACCEPT));
        boolean gzip = acceptsGzip(request.headers().getAll(HttpHeaderNames.ACCEPT_ENCODING));
        Set<String> names = Set.copyOf(uri.parameters().getOrDefault("name[]", List.of()));
        CompletableFuture<byte[]> body;
        try {
            body = scrapes.render(new ScrapeExecutor.Request(contentType, names, gzip));
        } catch (RejectedExecutionException e) {
            stats.scrapeRejected();
            respond(ctx, text(HttpResponseStatus.SERVICE_UNAVAILABLE, "scrapes already in progress; retry"), head,
                    keepAlive);
            return;
        }
        body.whenCompleteAsync((bytes, failure) -> {
            if (failure != null) {
                LOG.warn("metrics scrape failed", failure);
                respond(ctx, text(HttpResponseStatus.INTERNAL_SERVER_ERROR, "scrape failed"), head, false);
                return;
            }
            FullHttpResponse response = response(HttpResponseStatus.OK, contentType, bytes);
            if (gzip) {
                response.headers().set(HttpHeaderNames.CONTENT_ENCODING, HttpHeaderValues.GZIP);
            }
            respond(ctx, response, head, keepAlive);
        }, ctx.executor());
    }

    /** As simpleclient_httpserver decided: any comma-separated {@code Accept-Encoding} element equal to gzip. */
    private static boolean acceptsGzip(List<String> acceptEncodings) {
        for (String header : acceptEncodings) {
            for (String encoding : header.split(",")) {
                if (encoding.trim().equalsIgnoreCase("gzip")) {
                    return true;
                }
            }
        }
        return false;
    }

    private static FullHttpResponse probe(boolean ok, String failure) {
        return ok ? text(HttpResponseStatus.OK, "ok") : text(HttpResponseStatus.SERVICE_UNAVAILABLE, failure);
    }

    private static FullHttpResponse text(HttpResponseStatus status, String line) {
        FullHttpResponse response = response(status, TEXT, (line + "\n").getBytes(StandardCharsets.UTF_8));
        response.headers().set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE);
        return response;
    }

    private static FullHttpResponse response(HttpResponseStatus status, String contentType, byte[] body) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                Unpooled.wrappedBuffer(body));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
        HttpUtil.setContentLength(response, body.length);
        return response;
    }

    /**
     * Writes the response (headers only for HEAD, with the Content-Length the GET would have), then closes the
     * connection or asks for the next request. Runs on the event loop.
     */
    private void respond(ChannelHandlerContext ctx, FullHttpResponse response, boolean head, boolean keepAlive) {
        if (head) {
            response.content().clear();
        }
        HttpUtil.setKeepAlive(response, keepAlive);
        ctx.writeAndFlush(response).addListener((ChannelFutureListener) written -> {
            if (!keepAlive || !written.isSuccess()) {
                ctx.close();
                return;
            }
            serving = false;
            ctx.pipeline().fireUserEventTriggered(HttpExchangeEvent.RESPONSE_SENT);
            ctx.read();
        });
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // A reset or a half-written request: nothing to answer, and nothing an operator needs at WARN.
        LOG.debug("HTTP connection from {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }
}


package io.tickstorm.server.http;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.flow.FlowControlHandler;
import io.tickstorm.server.config.MetricsHttpConfig;
import io.tickstorm.server.health.HealthState;

/**
 * The pipeline of one connection to the metrics and health port:
 *
 * <pre>
 *   deadline (RequestDeadlineHandler: sees the first byte of each request, closes a connection past its deadline)
 *   codec    (HttpServerCodec: request line and headers bounded in size)
 *   body     (HttpObjectAggregator: at most {@value #MAX_BODY_BYTES} bytes of body; GET and HEAD have none)
 *   flow     (FlowControlHandler: one request per read(), so pipelined requests wait their turn)
 *   routes   (HttpRoutingHandler: probes answered here, scrapes handed to the scrape thread, anything else 404)
 * </pre>
 */
final class MetricsHttpChannelInitializer extends ChannelInitializer<Channel> {

    static final String DEADLINE = "deadline";
    static final String CODEC = "codec";
    static final String BODY = "body";
    static final String FLOW = "flow";
    static final String ROUTES = "routes";

    static final int MAX_REQUEST_LINE_BYTES = 4096;
    static final int MAX_HEADER_BYTES = 8192;
    static final int MAX_BODY_BYTES = 1024;

    private final MetricsHttpConfig config;
    private final HealthState health;
    private final ScrapeExecutor scrapes;
    private final HttpPortStats stats;

    MetricsHttpChannelInitializer(MetricsHttpConfig config, HealthState health, ScrapeExecutor scrapes,
            HttpPortStats stats) {
        this.config = config;
        this.health = health;
        this.scrapes = scrapes;
        this.stats = stats;
    }

    @Override
    protected void initChannel(Channel channel) {
        ChannelPipeline pipeline = channel.pipeline();
        pipeline.addLast(DEADLINE, new RequestDeadlineHandler(config.requestTimeout().toNanos(),
                config.idleTimeout().toNanos(), stats));
        pipeline.addLast(CODEC, new HttpServerCodec(new HttpDecoderConfig()
                .setMaxInitialLineLength(MAX_REQUEST_LINE_BYTES)
                .setMaxHeaderSize(MAX_HEADER_BYTES)));
        pipeline.addLast(BODY, new HttpObjectAggregator(MAX_BODY_BYTES));
        pipeline.addLast(FLOW, new FlowControlHandler());
        pipeline.addLast(ROUTES, new HttpRoutingHandler(health, scrapes, stats));
    }
}

package io.tickstorm.server.metrics;

import io.prometheus.client.Collector;
import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.Counter;
import io.prometheus.client.Gauge;
import io.prometheus.client.Histogram;
import io.prometheus.client.hotspot.DefaultExports;
import io.tickstorm.protocol.BuildInfo;
import io.tickstorm.protocol.FrameType;
import io.tickstorm.protocol.proto.ErrorCode;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.DoubleSupplier;

/**
 * Every metric the server exports, registered in one {@link CollectorRegistry} owned by the server (never the static
 * default registry). Names follow {@code tick_storm_<thing>_<unit>} with {@code _total} on counters; labels are
 * bounded enums, never a client id or address. Children of labelled counters are resolved once here, so recording
 * on a hot path is one adder increment.
 */
public final class ServerMetrics {

    public static final String ACTIVE_CONNECTIONS = "tick_storm_active_connections";
    public static final String CONNECTIONS = "tick_storm_connections_total";
    public static final String CONNECTIONS_REJECTED = "tick_storm_connections_rejected_total";
    public static final String AUTH_SUCCESS = "tick_storm_auth_success_total";
    public static final String AUTH_FAILURES = "tick_storm_auth_failures_total";
    public static final String AUTH_RATE_LIMITED = "tick_storm_auth_rate_limited_total";
    public static final String MESSAGES_RECEIVED = "tick_storm_messages_received_total";
    public static final String MESSAGES_SENT = "tick_storm_messages_sent_total";
    public static final String BYTES_RECEIVED = "tick_storm_bytes_received_total";
    public static final String BYTES_SENT = "tick_storm_bytes_sent_total";
    public static final String HEARTBEAT_TIMEOUTS = "tick_storm_heartbeat_timeouts_total";
    public static final String PROTOCOL_ERRORS = "tick_storm_protocol_errors_total";
    public static final String TLS_HANDSHAKES = "tick_storm_tls_handshakes_total";
    public static final String TLS_HANDSHAKE_DURATION = "tick_storm_tls_handshake_duration_seconds";
    public static final String SUBSCRIPTIONS = "tick_storm_subscriptions";
    public static final String STREAMS = "tick_storm_streams";
    public static final String TICKS_GENERATED = "tick_storm_ticks_generated_total";
    public static final String FEED_TICKS = "tick_storm_feed_ticks_total";
    public static final String FEED_MALFORMED = "tick_storm_feed_malformed_total";
    public static final String FEED_EVENT_TIME = "tick_storm_feed_event_time_seconds";
    public static final String FEED_LAG = "tick_storm_feed_lag_seconds";
    public static final String KAFKA_PARTITIONS = "tick_storm_kafka_partitions";
    public static final String KAFKA_KEY_MISMATCHES = "tick_storm_kafka_key_mismatches_total";
    public static final String BATCHES_SENT = "tick_storm_batches_sent_total";
    public static final String TICKS_SENT = "tick_storm_ticks_sent_total";
    public static final String SLOW_CONSUMER_DISCONNECTS = "tick_storm_slow_consumer_disconnects_total";
    public static final String INBOUND_RATE_LIMITED = "tick_storm_inbound_rate_limited_total";
    public static final String OUTBOUND_PENDING = "tick_storm_outbound_pending_bytes";
    public static final String OUTBOUND_TOTAL_BUDGET = "tick_storm_outbound_total_budget_bytes";
    public static final String OUTBOUND_TOTAL_BUDGET_CUTS = "tick_storm_outbound_total_budget_disconnects_total";
    public static final String PUBLISH_LATENCY = "tick_storm_publish_latency_seconds";
    public static final String FANOUT_DURATION = "tick_storm_fanout_duration_seconds";
    public static final String LIMIT = "tick_storm_limit";
    public static final String RESOURCE_USAGE_RATIO = "tick_storm_resource_usage_ratio";
    public static final String RESOURCE_BREACH_ACTIVE = "tick_storm_resource_breach_active";
    public static final String RESOURCE_BREACHES = "tick_storm_resource_breaches_total";
    public static final String TLS_RELOADS = "tick_storm_tls_reloads_total";
    public static final String AUTH_CACHE_HITS = "tick_storm_auth_cache_hits_total";
    public static final String HTTP_CONNECTIONS = "tick_storm_http_connections";
    public static final String HTTP_CONNECTIONS_CLOSED = "tick_storm_http_connections_closed_total";
    public static final String HTTP_SCRAPES_REJECTED = "tick_storm_http_scrapes_rejected_total";
    public static final String UNAUTHENTICATED_CONNECTIONS = "tick_storm_unauthenticated_connections";
    public static final String PRE_AUTH_BUFFERED_BYTES = "tick_storm_pre_auth_buffered_bytes";
    public static final String PRE_AUTH_BUDGET_REFUSALS = "tick_storm_pre_auth_budget_refusals_total";
    /** The {@code mode} label value of conflated REALTIME subscriptions (PROTOCOL.md §5.6) and their batches. */
    public static final String MODE_REALTIME_CONFLATED = "realtime_conflated";
    public static final String SUBSCRIPTIONS_DENIED = "tick_storm_subscriptions_denied_total";
    /** The {@code reason} labels of {@link #SUBSCRIPTIONS_DENIED}, exported at 0 from startup. */
    public static final List<String> SUBSCRIPTION_DENIAL_REASONS = List.of("not_entitled", "no_entitlement", "revoked");

    public static final String BUILD_INFO = "tick_storm_build_info";

    private final CollectorRegistry registry;

    private final Counter connections;
    private final Counter rejected;
    private final Counter authSuccess;
    private final Counter authFailures;
    private final Counter authRateLimited;
    private final Counter.Child bytesReceived;
    private final Counter.Child bytesSent;
    private final Counter heartbeatTimeouts;
    private final Counter slowConsumerDisconnects;
    private final Counter inboundRateLimited;
    private final Counter preAuthBudgetRefusals;
    private final Counter subscriptionsDenied;
    private final Counter tlsHandshakes;
    private final Histogram tlsHandshakeDuration;
    private final Counter batchesSent;
    private final Counter ticksSent;
    private final Histogram publishLatency;
    private final Histogram fanoutDuration;
    private final Map<FrameType, Counter.Child> received = new EnumMap<>(FrameType.class);
    private final Map<FrameType, Counter.Child> sent = new EnumMap<>(FrameType.class);
    private final Map<ErrorCode, Counter.Child> protocolErrors = new EnumMap<>(ErrorCode.class);

    /** A registry with JVM metrics and every server metric. */
    public ServerMetrics() {
        this(new CollectorRegistry(true));
        DefaultExports.register(registry);
    }

    /** Server metrics only, in the given registry (tests use a fresh one). */
    public ServerMetrics(CollectorRegistry registry) {
        this.registry = registry;
        BuildInfo build = BuildInfo.current();
        Gauge.build(BUILD_INFO, "Always 1; the labels name the running server's version and git commit.")
                .labelNames("version", "commit").register(registry).labels(build.version(), build.commit()).set(1);
        connections = Counter.build(CONNECTIONS, "TCP connections accepted by the tick listener.").register(registry);
        rejected = Counter.build(CONNECTIONS_REJECTED, "Connections refused by admission control, by reason.")
                .labelNames("reason").register(registry);
        authSuccess = Counter.build(AUTH_SUCCESS, "Successful AUTH requests.").register(registry);
        authFailures = Counter.build(AUTH_FAILURES, "Failed AUTH requests, by reason.")
                .labelNames("reason").register(registry);
        authRateLimited = Counter.build(AUTH_RATE_LIMITED,
                "AUTH requests refused with RATE_LIMITED because the source address (or, from an address new to that "
                        + "user, the account) exceeded its failed-login budget.")
                .register(registry);
        Counter messagesReceived = Counter.build(MESSAGES_RECEIVED, "Frames received from clients, by type.")
                .labelNames("type").register(registry);
        Counter messagesSent = Counter.build(MESSAGES_SENT, "Frames sent to clients, by type.")
                .labelNames("type").register(registry);
        for (FrameType type : FrameType.values()) {
            received.put(type, messagesReceived.labels(label(type)));
            sent.put(type, messagesSent.labels(label(type)));
        }
        bytesReceived = Counter.build(BYTES_RECEIVED, "Bytes read from client sockets (before TLS decryption).")
                .register(registry).labels();
        bytesSent = Counter.build(BYTES_SENT, "Bytes written to client sockets (after TLS encryption).")
                .register(registry).labels();
        heartbeatTimeouts = Counter.build(HEARTBEAT_TIMEOUTS, "Connections closed for a missed heartbeat deadline.")
                .register(registry);
        Counter errors = Counter.build(PROTOCOL_ERRORS, "ERROR frames sent to clients, by error code.")
                .labelNames("code").register(registry);
        for (ErrorCode code : ErrorCode.values()) {
            if (code != ErrorCode.UNRECOGNIZED) {
                protocolErrors.put(code, errors.labels(code.name().toLowerCase(Locale.ROOT)));
            }
        }
        tlsHandshakes = Counter.build(TLS_HANDSHAKES, "TLS handshakes, by result (success, resumed, failure).")
                .labelNames("result").register(registry);
        tlsHandshakeDuration = Histogram.build(TLS_HANDSHAKE_DURATION, "Duration of TLS handshakes.")
                .buckets(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)
                .register(registry);
        slowConsumerDisconnects = Counter.build(SLOW_CONSUMER_DISCONNECTS,
                "Connections closed with SLOW_CONSUMER (outbound budget or write deadline exceeded).").register(registry);
        inboundRateLimited = Counter.build(INBOUND_RATE_LIMITED,
                "Connections closed with RATE_LIMITED for sending frames faster than the inbound rate.")
                .register(registry);
        preAuthBudgetRefusals = Counter.build(PRE_AUTH_BUDGET_REFUSALS,
                "Unauthenticated connections closed because a read would have exceeded the pre-auth buffer budget.")
                .register(registry);
        subscriptionsDenied = Counter.build(SUBSCRIPTIONS_DENIED, "Subscriptions refused or closed for want of "
                + "entitlement, by reason (not_entitled: SUBSCRIBE named a symbol outside the user's entitlements; "
                + "no_entitlement: every-symbol SUBSCRIBE from a user entitled to none; revoked: a reload took a "
                + "subscribed symbol away).").labelNames("reason").register(registry);
        for (String reason : SUBSCRIPTION_DENIAL_REASONS) {
            subscriptionsDenied.labels(reason);
        }
        batchesSent = Counter.build(BATCHES_SENT, "DATA_BATCH frames written to subscribers, by mode.")
                .labelNames("mode").register(registry);
        ticksSent = Counter.build(TICKS_SENT, "Ticks written to subscribers (one per tick per subscriber), by mode.")
                .labelNames("mode").register(registry);
        publishLatency = Histogram.build(PUBLISH_LATENCY,
                "From bar close or tick creation until the batch write was flushed to the socket.")
                .labelNames("mode")
                .buckets(0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5)
                .register(registry);
        fanoutDuration = Histogram.build(FANOUT_DURATION, "Time to hand one stream batch to all its subscribers.")
                .labelNames("mode")
                .buckets(0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.1)
                .register(registry);
    }

    private static String label(FrameType type) {
        return type.name().toLowerCase(Locale.ROOT);
    }

    public CollectorRegistry registry() {
        return registry;
    }

    public void connectionAccepted() {
        connections.inc();
    }

    public void connectionRejected(String reason) {
        rejected.labels(reason).inc();
    }

    public void authSucceeded() {
        authSuccess.inc();
    }

    /** {@code reason} is one of a small fixed set (unknown_user, bad_password, empty, malformed, busy). */
    public void authFailed(String reason) {
        authFailures.labels(reason).inc();
    }

    /** {@code reason} is one of {@link #SUBSCRIPTION_DENIAL_REASONS}. */
    public void subscriptionDenied(String reason) {
        subscriptionsDenied.labels(reason).inc();
    }

    public void authRateLimited() {
        authRateLimited.inc();
    }

    public void frameReceived(FrameType type) {
        received.get(type).inc();
    }

    public void framesSent(FrameType type, int count) {
        sent.get(type).inc(count);
    }

    public void bytesReceived(long bytes) {
        bytesReceived.inc(bytes);
    }

    public void bytesSent(long bytes) {
        bytesSent.inc(bytes);
    }

    public void heartbeatTimedOut() {
        heartbeatTimeouts.inc();
    }

    public void errorSent(ErrorCode code) {
        Counter.Child child = protocolErrors.get(code);
        if (child != null) {
            child.inc();
        }
    }

    public void tlsHandshake(String result, long durationNanos) {
        tlsHandshakes.labels(result).inc();
        tlsHandshakeDuration.observe(durationNanos / 1e9);
    }

    public void slowConsumerDisconnected() {
        slowConsumerDisconnects.inc();
    }

    public void inboundRateLimited() {
        inboundRateLimited.inc();
    }

    public void preAuthBudgetRefused() {
        preAuthBudgetRefusals.inc();
    }

    /** Handles for one subscription mode's data-path metrics, resolved once per stream. */
    public ModeMetrics mode(String mode) {
        return new ModeMetrics(batchesSent.labels(mode), ticksSent.labels(mode), publishLatency.labels(mode),
                fanoutDuration.labels(mode), sent.get(FrameType.DATA_BATCH));
    }

    /** Registers a gauge family read at scrape time; {@code series} maps label values to suppliers. */
    public void gauge(String name, String help, List<String> labelNames, Map<List<String>, DoubleSupplier> series) {
        new CallbackCollector(Collector.Type.GAUGE, name, help, labelNames, series).register(registry);
    }

    /** Registers a single unlabelled gauge read at scrape time. */
    public void gauge(String name, String help, DoubleSupplier value) {
        gauge(name, help, List.of(), Map.of(List.of(), value));
    }

    /** Registers a counter family read at scrape time from monotonic suppliers. */
    public void counter(String name, String help, List<String> labelNames, Map<List<String>, DoubleSupplier> series) {
        new CallbackCollector(Collector.Type.COUNTER, name, help, labelNames, series).register(registry);
    }

    /** Data-path metric handles for one mode. */
    public record ModeMetrics(Counter.Child batches, Counter.Child ticks, Histogram.Child publishLatency,
            Histogram.Child fanoutDuration, Counter.Child dataBatchFrames) {

        /** One batch of {@code tickCount} ticks written to {@code subscribers} channels. */
        public void batchWritten(int subscribers, int tickCount) {
            batches.inc(subscribers);
            dataBatchFrames.inc(subscribers);
            ticks.inc((double) subscribers * tickCount);
        }
    }
}

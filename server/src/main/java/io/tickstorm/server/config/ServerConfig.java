package io.tickstorm.server.config;

import com.typesafe.config.Config;
import io.tickstorm.limits.LimitsConfig;
import io.tickstorm.server.admission.AdmissionConfig;
import io.tickstorm.server.auth.AuthConfig;
import io.tickstorm.server.entitlement.EntitlementsConfig;
import io.tickstorm.server.feed.FeedConfig;
import io.tickstorm.server.config.MetricsHttpConfig;
import io.tickstorm.server.tls.TlsConfig;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;

/**
 * Everything the server is configured with, parsed once in {@code main} and passed down through constructors.
 *
 * @param listen address of the tick protocol listener
 * @param metrics the metrics and health HTTP port: address, connection cap, timeouts
 * @param maxPayloadBytes largest frame payload accepted or sent
 * @param eventLoopThreads worker event loops; 0 = derived from the CPU quota
 * @param shutdownGrace how long connections may drain after SERVER_SHUTTING_DOWN
 * @param batchWindow REALTIME coalescing window; zero = natural batching
 * @param preAuth what an unauthenticated connection may make the server hold
 * @param allocator the buffer allocator of the channels and the fan-out
 * @param transport the event loops' socket transport
 * @param entitlements which symbols each user may subscribe to
 */
public record ServerConfig(
        HostPort listen,
        MetricsHttpConfig metrics,
        int maxPayloadBytes,
        int eventLoopThreads,
        Duration shutdownGrace,
        Duration batchWindow,
        HeartbeatConfig heartbeat,
        WriteConfig write,
        InboundConfig inbound,
        AuthConfig auth,
        TlsConfig tls,
        FeedConfig feed,
        AdmissionConfig admission,
        LimitsConfig limits,
        PreAuthConfig preAuth,
        AllocatorType allocator,
        TransportType transport,
        EntitlementsConfig entitlements) {

    public static final String LISTEN_KEY = "tick-storm.listen-addr";
    public static final String METRICS_KEY = MetricsHttpConfig.ADDRESS_KEY;
    public static final String MAX_PAYLOAD_KEY = "tick-storm.max-payload-bytes";
    public static final String EVENT_LOOPS_KEY = "tick-storm.event-loop-threads";
    public static final String SHUTDOWN_GRACE_KEY = "tick-storm.shutdown-grace";
    public static final String BATCH_WINDOW_KEY = "tick-storm.realtime.batch-window";

    private static final Set<String> WILDCARDS = Set.of("0.0.0.0", "::", "0:0:0:0:0:0:0:0");

    /** Smallest payload limit that still fits every control message and a one-tick batch. */
    public static final int MIN_PAYLOAD_BYTES = 1024;

    /**
     * Descriptors the reserve must keep beyond the metrics port's sockets: listeners, event loops (epoll and its
     * eventfd), the jar, logs and the JVM's own files. The server holds about 25 of them at rest.
     */
    public static final int MIN_RESERVE_BESIDES_METRICS = 64;

    public ServerConfig {
        Objects.requireNonNull(listen, LISTEN_KEY);
        Objects.requireNonNull(metrics, METRICS_KEY);
        if (sameListener(listen, metrics.address())) {
            throw new IllegalArgumentException(METRICS_KEY + " (" + metrics.address() + ") must not be the address of "
                    + LISTEN_KEY + " (" + listen + "): the metrics port and the tick port need different ports");
        }
        if (maxPayloadBytes < MIN_PAYLOAD_BYTES) {
            throw new IllegalArgumentException(MAX_PAYLOAD_KEY + " must be at least " + MIN_PAYLOAD_BYTES + ", got "
                    + maxPayloadBytes);
        }
        if (eventLoopThreads < 0) {
            throw new IllegalArgumentException(EVENT_LOOPS_KEY + " must be >= 0, got " + eventLoopThreads);
        }
        Settings.requireNonNegative(SHUTDOWN_GRACE_KEY, shutdownGrace);
        Settings.requireNonNegative(BATCH_WINDOW_KEY, batchWindow);
        Objects.requireNonNull(heartbeat, "heartbeat");
        Objects.requireNonNull(write, "write");
        Objects.requireNonNull(inbound, "inbound");
        Objects.requireNonNull(auth, "auth");
        Objects.requireNonNull(tls, "tls");
        Objects.requireNonNull(feed, "feed");
        Objects.requireNonNull(admission, "admission");
        Objects.requireNonNull(limits, "limits");
        if (limits.fdReserve() < metrics.maxConnections() + MIN_RESERVE_BESIDES_METRICS) {
            // The metrics port's sockets are accounted apart from the connections only because the reserve holds them.
            throw new IllegalArgumentException("tick-storm.limits.fd-reserve (" + limits.fdReserve()
                    + ") must hold the metrics port's " + MetricsHttpConfig.MAX_CONNECTIONS_KEY + " ("
                    + metrics.maxConnections() + ") plus " + MIN_RESERVE_BESIDES_METRICS + " descriptors for the rest");
        }
        Objects.requireNonNull(preAuth, "preAuth");
        Objects.requireNonNull(allocator, AllocatorType.KEY);
        Objects.requireNonNull(transport, TransportType.KEY);
        Objects.requireNonNull(entitlements, "entitlements");
        if (preAuth.maxPayloadBytes() > maxPayloadBytes) {
            throw new IllegalArgumentException(PreAuthConfig.MAX_PAYLOAD_KEY + " (" + preAuth.maxPayloadBytes()
                    + ") must not exceed " + MAX_PAYLOAD_KEY + " (" + maxPayloadBytes + ")");
        }
        if (write.highWaterMarkBytes() < maxPayloadBytes) {
            throw new IllegalArgumentException(WriteConfig.HIGH_WATER_KEY + " (" + write.highWaterMarkBytes()
                    + ") must hold at least one maximal frame (" + MAX_PAYLOAD_KEY + " = " + maxPayloadBytes + ")");
        }
    }

    /** Parses and validates the {@code tick-storm} tree; any bad value throws naming its key. */
    public static ServerConfig from(Config root) {
        return new ServerConfig(
                HostPort.parse(LISTEN_KEY, Settings.string(root, LISTEN_KEY)),
                MetricsHttpConfig.from(root),
                Settings.intBytes(root, MAX_PAYLOAD_KEY),
                Settings.integer(root, EVENT_LOOPS_KEY),
                Settings.duration(root, SHUTDOWN_GRACE_KEY),
                Settings.duration(root, BATCH_WINDOW_KEY),
                HeartbeatConfig.from(root),
                WriteConfig.from(root),
                InboundConfig.from(root),
                AuthConfig.from(root),
                TlsConfig.from(root),
                FeedConfig.from(root),
                AdmissionConfig.from(root),
                LimitsConfig.from(root),
                PreAuthConfig.from(root),
                AllocatorType.parse(Settings.string(root, AllocatorType.KEY)),
                TransportType.parse(Settings.string(root, TransportType.KEY)),
                EntitlementsConfig.from(root));
    }

    /**
     * Whether two listeners would claim the same socket: the same port (not 0, which picks a free one) on the same
     * host, or on any host when either is a wildcard address (0.0.0.0 or ::), which takes the port everywhere.
     */
    static boolean sameListener(HostPort a, HostPort b) {
        if (a.port() == 0 || a.port() != b.port()) {
            return false;
        }
        return a.host().equals(b.host()) || WILDCARDS.contains(a.host()) || WILDCARDS.contains(b.host());
    }

    /** The same configuration with other authentication settings (the embedded default's generated user). */
    public ServerConfig withAuth(AuthConfig newAuth) {
        return new ServerConfig(listen, metrics, maxPayloadBytes, eventLoopThreads, shutdownGrace, batchWindow,
                heartbeat, write, inbound, newAuth, tls, feed, admission, limits, preAuth, allocator,
                transport, entitlements);
    }
}

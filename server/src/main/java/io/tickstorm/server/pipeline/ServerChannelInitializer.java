package io.tickstorm.server.pipeline;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.group.ChannelGroup;
import io.tickstorm.protocol.Direction;
import io.tickstorm.protocol.codec.FrameDecoder;
import io.tickstorm.protocol.codec.FrameEncoder;
import io.tickstorm.server.admission.AdmissionControl;
import io.tickstorm.server.auth.Authenticator;
import io.tickstorm.server.config.ServerConfig;
import io.tickstorm.server.connection.ConnectionState;
import io.tickstorm.server.connection.ErrorResponder;
import io.tickstorm.server.entitlement.EntitlementGuard;
import io.tickstorm.server.fanout.FanOut;
import io.tickstorm.server.metrics.ServerMetrics;
import io.tickstorm.server.tls.ReloadingSslContext;
import io.tickstorm.server.tls.TlsHandshakeListener;
import java.time.Duration;
import java.util.Map;

/**
 * The connection pipeline, in order (DESIGN.md §2):
 *
 * <pre>
 *  socket
 *    traffic         bytes in/out (next to the socket: encrypted bytes with TLS)
 *    admission       IP lists, connection caps, accept rate: refuses before TLS costs anything
 *    pre-auth        until authenticated: bytes charged to the pre-auth budget, no reads while AUTH is checked
 *    tls             SslHandler (when enabled, installed once admitted) + tls-handshake (outcome, metrics);
 *                    with the JDK provider and TLS 1.2, tls-renegotiation-guard goes before it
 *    slow-consumer   outbound budget on every framed write, write deadline, no reads while unwritable; here, on
 *                    the socket side of the encoder, so every write of every handler and of the fan-out passes it
 *    frame-decoder   magic, version, length (the pre-auth maximum until authenticated), CRC, type
 *    inbound-rate    frames per second per connection (when limited)
 *    frame-encoder   OutboundMessage to frame (the fan-out's pre-encoded batches do not pass here: they enter the
 *                    pipeline at frame-decoder's context, just above slow-consumer; ConnectionState.encodedFrames)
 *    messages        frame counts by type
 *    auth            first frame AUTH; replaced by "session" once authenticated
 *    error-tail      any failure: one ERROR, then close
 * </pre>
 */
public final class ServerChannelInitializer extends ChannelInitializer<Channel> {

    public static final String TRAFFIC = "traffic";
    public static final String ADMISSION = "admission";
    public static final String PRE_AUTH = "pre-auth";
    public static final String TLS_PENDING = "tls-pending";
    public static final String TLS = "tls";
    public static final String TLS_RENEGOTIATION_GUARD = "tls-renegotiation-guard";
    public static final String TLS_HANDSHAKE = "tls-handshake";
    public static final String FRAME_DECODER = "frame-decoder";
    public static final String INBOUND_RATE = "inbound-rate";
    public static final String FRAME_ENCODER = "frame-encoder";
    public static final String MESSAGES = "messages";
    public static final String AUTH = "auth";
    public static final String SESSION = "session";
    public static final String SLOW_CONSUMER = "slow-consumer";
    public static final String ERROR_TAIL = "error-tail";

    private final ServerConfig config;
    private final ServerMetrics metrics;
    private final AdmissionControl admission;
    private final ReloadingSslContext tls;
    private final Authenticator authenticator;
    private final FanOut fanOut;
    private final EntitlementGuard entitlements;
    private final ChannelGroup channels;
    private final ErrorResponder responder;
    private final PreAuthBudget preAuthBudget;
    private final Map<String, String> ackMetadata;
    private final TlsHandshakeListener handshakeListener;
    private final HeartbeatSweeps heartbeats;

    /**
     * One receive-buffer sizing for every connection, fixed at 2 KiB a read: clients send small frames (HEARTBEAT,
     * SUBSCRIBE), and Netty's default gives each channel its own adaptive allocator and size calculator, about 80
     * bytes of heap per connection for nothing (bench/RESULTS.md, "Memory per connection"). Larger frames arrive
     * in several reads.
     */
    private static final RecvByteBufAllocator RECEIVE_BUFFERS = new FixedRecvByteBufAllocator(2048);

    // Stateless handlers, shared by every channel.
    private final ChannelHandler traffic;
    private final ChannelHandler encoder = new FrameEncoder();
    private final ChannelHandler messages;
    private final ChannelHandler errorTail;

    /**
     * @param tls null when TLS is disabled
     */
    public ServerChannelInitializer(ServerConfig config, ServerMetrics metrics, AdmissionControl admission,
            ReloadingSslContext tls, Authenticator authenticator, FanOut fanOut, EntitlementGuard entitlements,
            ChannelGroup channels, ErrorResponder responder, PreAuthBudget preAuthBudget) {
        this.config = config;
        this.metrics = metrics;
        this.admission = admission;
        this.tls = tls;
        this.authenticator = authenticator;
        this.fanOut = fanOut;
        this.entitlements = entitlements;
        this.channels = channels;
        this.responder = responder;
        this.preAuthBudget = preAuthBudget;
        this.traffic = new TrafficCounterHandler(metrics);
        this.messages = new MessageCounterHandler(metrics);
        this.errorTail = new ErrorTailHandler(responder);
        this.handshakeListener = (result, nanos) -> metrics.tlsHandshake(result.label(), nanos);
        this.heartbeats = new HeartbeatSweeps(config.heartbeat().timeout());
        this.ackMetadata = Map.of(
                "heartbeat_interval_ms", Long.toString(config.heartbeat().interval().toMillis()),
                "heartbeat_timeout_ms", Long.toString(config.heartbeat().timeout().toMillis()),
                "max_payload_bytes", Integer.toString(config.maxPayloadBytes()),
                "server", "tick-storm/" + version());
    }

    private static String version() {
        String version = ServerChannelInitializer.class.getPackage().getImplementationVersion();
        return version == null ? "dev" : version;
    }

    @Override
    protected void initChannel(Channel channel) {
        metrics.connectionAccepted();
        channels.add(channel);
        channel.config().setRecvByteBufAllocator(RECEIVE_BUFFERS);
        ChannelPipeline pipeline = channel.pipeline();
        pipeline.addLast(TRAFFIC, traffic);
        pipeline.addLast(ADMISSION, admission.handler());
        FrameDecoder decoder = new FrameDecoder(config.preAuth().maxPayloadBytes(), Direction.CLIENT_TO_SERVER);
        // Ahead of TLS, so that every byte read and every read request passes it.
        pipeline.addLast(PRE_AUTH, new PreAuthGuard(decoder, config.maxPayloadBytes(), preAuthBudget, admission,
                responder, metrics));
        if (tls != null) {
            // Becomes "tls" + "tls-handshake" once admitted, so the handshake (and its timeout) starts then.
            pipeline.addLast(TLS_PENDING, new DeferredTlsHandler(tls, handshakeListener));
        }
        pipeline.addLast(SLOW_CONSUMER, new SlowConsumerGuard(config.write().outboundBudgetBytes(),
                config.write().deadline(), responder));
        pipeline.addLast(FRAME_DECODER, decoder);
        if (config.inbound().limited()) {
            pipeline.addLast(INBOUND_RATE, new InboundRateLimiter(config.inbound().frameRatePerSecond(),
                    config.inbound().frameBurst(), metrics));
        }
        pipeline.addLast(FRAME_ENCODER, encoder);
        pipeline.addLast(MESSAGES, messages);
        pipeline.addLast(AUTH, new AuthHandler(authenticator, Duration.ofNanos(config.auth().timeoutNanos()),
                responder, metrics, ackMetadata, SESSION,
                () -> new SessionHandler(heartbeats, responder, metrics, fanOut, entitlements)));
        pipeline.addLast(ERROR_TAIL, errorTail);
        // The frame decoder stays for the connection's life and is the handler just above the outbound budget.
        ConnectionState.of(channel).encodedFrames(pipeline.context(FRAME_DECODER));
    }
}

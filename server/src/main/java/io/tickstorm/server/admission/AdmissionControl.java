package io.tickstorm.server.admission;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admission state of one server, shared by all its channels and event loops: who may connect, how many are
 * connected (in total and per source address), and the accept-rate buckets. One instance per server, passed to the
 * {@link AdmissionHandler} it creates; nothing here is static.
 *
 * <p>Checks, in order: IP lists, the {@link AdmissionGate} (breach, shutdown), the global cap, the per-address cap,
 * then the caps on <em>unauthenticated</em> connections, in total and per address. A connection that passes is
 * counted until its channel goes inactive, and as unauthenticated until {@link #authenticated(Channel)} (or until it
 * closes); then the rate guard may still delay it. The unauthenticated caps sit below the connection cap, so sockets
 * that never AUTH, from one address or many, cannot hold every slot: by default half the cap in total and a quarter
 * of that per address (explicit values are held to the cap).
 * Refusals are counted through the {@link RefusalListener} and logged at most once per
 * {@value #REFUSAL_LOG_INTERVAL_SECONDS} s (with how many were not logged), so a flood cannot flood the log.
 */
public final class AdmissionControl {

    /** Source addresses the accept-rate guard tracks at most. */
    public static final int MAX_RATE_TRACKED_ADDRESSES = 65_536;

    static final long REFUSAL_LOG_INTERVAL_SECONDS = 10;
    private static final long REFUSAL_LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(REFUSAL_LOG_INTERVAL_SECONDS);

    private static final Logger LOG = LoggerFactory.getLogger(AdmissionControl.class);

    private final AdmissionConfig config;
    private final int connectionCap;
    private final AdmissionGate gate;
    private final RefusalResponder responder;
    private final RefusalListener listener;
    private final LongSupplier nanoClock;
    private final AcceptRateGuard rateGuard;
    private final AdmissionHandler handler;

    private final int unauthenticatedCap;
    private final int unauthenticatedPerAddressCap;

    private final AtomicInteger connections = new AtomicInteger();
    private final Map<InetAddress, Integer> perAddress = new ConcurrentHashMap<>();
    private final AtomicInteger unauthenticated = new AtomicInteger();
    private final Map<InetAddress, Integer> unauthenticatedPerAddress = new ConcurrentHashMap<>();
    private final AtomicLong delayed = new AtomicLong();
    private final AtomicLong nextRefusalLogNanos;
    private final AtomicLong unloggedRefusals = new AtomicLong();

    private final String connectionCapDetails;
    private final String addressCapDetails;
    private final String unauthenticatedCapDetails;
    private final String unauthenticatedAddressCapDetails;

    /**
     * @param config        lists, per-address cap and rate
     * @param connectionCap the global cap ({@code Limits.connectionCap()})
     * @param gate          closed on breach and shutdown
     * @param responder     tells and closes a channel refused for capacity (plain TCP: ERROR frame; TLS:
     *                      {@link RefusalResponder#CLOSE})
     * @param listener      counts refusals by reason
     * @param nanoClock     monotonic time for the rate guard ({@code System::nanoTime})
     */
    public AdmissionControl(AdmissionConfig config, int connectionCap, AdmissionGate gate, RefusalResponder responder,
            RefusalListener listener, LongSupplier nanoClock) {
        this(config, connectionCap, "", gate, responder, listener, nanoClock);
    }

    /**
     * As the full constructor, with {@code capBound} naming what set the cap (e.g. {@code open-files}) in the
     * refusal details: "connection cap 19744 (open-files) reached".
     */
    public AdmissionControl(AdmissionConfig config, int connectionCap, String capBound, AdmissionGate gate,
            RefusalResponder responder, RefusalListener listener, LongSupplier nanoClock) {
        if (connectionCap < 1) {
            throw new IllegalArgumentException("connectionCap must be at least 1, was " + connectionCap);
        }
        this.config = Objects.requireNonNull(config, "config");
        this.connectionCap = connectionCap;
        this.gate = Objects.requireNonNull(gate, "gate");
        this.responder = Objects.requireNonNull(responder, "responder");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
        this.rateGuard = config.acceptRatePerAddress() > 0
                ? new AcceptRateGuard(config.acceptRatePerAddress(), config.acceptBurstPerAddress(),
                        MAX_RATE_TRACKED_ADDRESSES)
                : null;
        this.nextRefusalLogNanos = new AtomicLong(nanoClock.getAsLong());
        this.connectionCapDetails = "connection cap " + connectionCap
                + (capBound == null || capBound.isEmpty() ? "" : " (" + capBound + ")") + " reached";
        this.addressCapDetails = "per-address cap " + config.maxConnectionsPerAddress() + " reached";
        this.unauthenticatedCap = config.maxUnauthenticated() > 0 ? Math.min(config.maxUnauthenticated(), connectionCap)
                : Math.max(1, connectionCap / 2);
        this.unauthenticatedPerAddressCap = config.maxUnauthenticatedPerAddress() > 0
                ? Math.min(config.maxUnauthenticatedPerAddress(), unauthenticatedCap)
                : Math.max(1, unauthenticatedCap / 4);
        this.unauthenticatedCapDetails = "unauthenticated-connection cap " + unauthenticatedCap + " reached";
        this.unauthenticatedAddressCapDetails =
                "per-address unauthenticated-connection cap " + unauthenticatedPerAddressCap + " reached";
        this.handler = new AdmissionHandler(this);
    }

    /** As the full constructor, on {@code System.nanoTime()}. */
    public AdmissionControl(AdmissionConfig config, int connectionCap, AdmissionGate gate, RefusalResponder responder,
            RefusalListener listener) {
        this(config, connectionCap, gate, responder, listener, System::nanoTime);
    }

    /** The shared ({@code @Sharable}) handler to put first in every child pipeline. */
    public AdmissionHandler handler() {
        return handler;
    }

    /** Connections admitted and not yet closed (including those the rate guard still holds back). */
    public int activeConnections() {
        return connections.get();
    }

    /** The global cap this server enforces. */
    public int connectionCap() {
        return connectionCap;
    }

    /** Connections admitted that have not authenticated yet (nor closed). */
    public int unauthenticatedConnections() {
        return unauthenticated.get();
    }

    /** The cap on unauthenticated connections in force (configured or derived). */
    public int unauthenticatedCap() {
        return unauthenticatedCap;
    }

    /** The cap on unauthenticated connections per source address in force (configured or derived). */
    public int unauthenticatedPerAddressCap() {
        return unauthenticatedPerAddressCap;
    }

    /**
     * The connection has authenticated: it no longer counts against the unauthenticated caps. Idempotent; on the
     * channel's event loop.
     */
    public void authenticated(Channel channel) {
        AdmissionHandler.Admitted admitted = channel.attr(AdmissionHandler.ADMITTED).get();
        if (admitted != null && admitted.unauthenticated) {
            admitted.unauthenticated = false;
            releaseUnauthenticated(admitted.peer);
        }
    }

    /** Connections the accept-rate guard has delayed since start. */
    public long delayedConnections() {
        return delayed.get();
    }

    /** Source addresses currently holding at least one connection (when a per-address cap is set). */
    int trackedAddresses() {
        return perAddress.size();
    }

    /** Decides and, on success, counts the connection. Returns null when admitted. Any thread. */
    Refusal admit(SocketAddress peer) {
        InetAddress address = peer instanceof InetSocketAddress inet ? inet.getAddress() : null;
        if (address != null) {
            switch (config.ipFilter().check(address)) {
                case BLOCKLISTED:
                    return new Refusal(RefusalReason.BLOCKLIST, "address is blocklisted");
                case NOT_ALLOWLISTED:
                    return new Refusal(RefusalReason.NOT_ALLOWLISTED, "address is not on the allowlist");
                case ALLOWED:
                    break;
            }
        } else if (config.ipFilter().restricted()) {
            return new Refusal(RefusalReason.NOT_ALLOWLISTED, "peer has no IP address");
        }
        Refusal closed = gate.refusal();
        if (closed != null) {
            return closed;
        }
        if (connections.incrementAndGet() > connectionCap) {
            connections.decrementAndGet();
            return new Refusal(RefusalReason.CONNECTION_CAP, connectionCapDetails);
        }
        int perAddressCap = config.maxConnectionsPerAddress();
        if (perAddressCap > 0 && address != null && perAddress.merge(address, 1, Integer::sum) > perAddressCap) {
            releaseAddress(address);
            connections.decrementAndGet();
            return new Refusal(RefusalReason.ADDRESS_CAP, addressCapDetails);
        }
        Refusal unauthenticatedRefusal = admitUnauthenticated(address);
        if (unauthenticatedRefusal != null) {
            release(peer);
        }
        return unauthenticatedRefusal;
    }

    /** Counts a new, so far unauthenticated, connection against its caps; null when both have room. */
    private Refusal admitUnauthenticated(InetAddress address) {
        if (unauthenticated.incrementAndGet() > unauthenticatedCap) {
            unauthenticated.decrementAndGet();
            return new Refusal(RefusalReason.UNAUTHENTICATED_CAP, unauthenticatedCapDetails);
        }
        if (tracksUnauthenticatedAddresses() && address != null
                && unauthenticatedPerAddress.merge(address, 1, Integer::sum) > unauthenticatedPerAddressCap) {
            releaseUnauthenticated(address);
            return new Refusal(RefusalReason.UNAUTHENTICATED_ADDRESS_CAP, unauthenticatedAddressCapDetails);
        }
        return null;
    }

    /** A per-address cap as large as the total can never bind first, so such counts are not kept. */
    private boolean tracksUnauthenticatedAddresses() {
        return unauthenticatedPerAddressCap < unauthenticatedCap;
    }

    /** Frees the slot {@link #admit} counted for {@code peer} (the address recorded at admission). */
    void release(SocketAddress peer) {
        connections.decrementAndGet();
        if (config.maxConnectionsPerAddress() > 0 && peer instanceof InetSocketAddress inet
                && inet.getAddress() != null) {
            releaseAddress(inet.getAddress());
        }
    }

    /** Frees everything {@link #admit} counted for this admitted connection, unauthenticated slot included. */
    void release(AdmissionHandler.Admitted admitted) {
        if (admitted.unauthenticated) {
            admitted.unauthenticated = false;
            releaseUnauthenticated(admitted.peer);
        }
        release(admitted.peer);
    }

    private void releaseUnauthenticated(SocketAddress peer) {
        releaseUnauthenticated(peer instanceof InetSocketAddress inet ? inet.getAddress() : null);
    }

    private void releaseUnauthenticated(InetAddress address) {
        unauthenticated.decrementAndGet();
        if (tracksUnauthenticatedAddresses() && address != null) {
            unauthenticatedPerAddress.computeIfPresent(address, (a, n) -> n == 1 ? null : n - 1);
        }
    }

    private void releaseAddress(InetAddress address) {
        perAddress.computeIfPresent(address, (a, n) -> n == 1 ? null : n - 1);
    }

    /** How long to hold an admitted connection back before it proceeds (0 = now). */
    long acceptDelayNanos(SocketAddress peer) {
        if (rateGuard == null || !(peer instanceof InetSocketAddress inet) || inet.getAddress() == null) {
            return 0;
        }
        long delay = rateGuard.delayNanos(inet.getAddress(), nanoClock.getAsLong());
        if (delay > 0) {
            delayed.incrementAndGet();
        }
        return delay;
    }

    /** A delayed connection closed before it proceeded: its reservation is returned. */
    void refundDelay(SocketAddress peer) {
        if (rateGuard != null && peer instanceof InetSocketAddress inet && inet.getAddress() != null) {
            rateGuard.refund(inet.getAddress(), nanoClock.getAsLong());
        }
    }

    /**
     * Counts, logs (rate-limited) and hands the channel to the responder, or, for a refusal by policy, closes it
     * without a word. On the channel's event loop.
     */
    void refuse(ChannelHandlerContext ctx, SocketAddress peer, Refusal refusal) {
        listener.refused(refusal.reason());
        long now = nanoClock.getAsLong();
        long next = nextRefusalLogNanos.get();
        if (now - next >= 0 && nextRefusalLogNanos.compareAndSet(next, now + REFUSAL_LOG_INTERVAL_NANOS)) {
            LOG.warn("connection from {} refused ({}: {}); {} more refused since the last report",
                    peer, refusal.reason().label(), refusal.details(), unloggedRefusals.getAndSet(0));
        } else {
            unloggedRefusals.incrementAndGet();
        }
        if (refusal.reason().byPolicy()) {
            ctx.close();
        } else {
            responder.refuse(ctx, refusal);
        }
    }
}

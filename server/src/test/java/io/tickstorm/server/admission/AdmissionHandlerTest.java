package io.tickstorm.server.admission;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class AdmissionHandlerTest {

    /** Lists, per-address cap and rate, without unauthenticated caps (those have tests of their own). */
    private static AdmissionConfig config(IpFilter filter, int perAddress, double rate, int burst) {
        return new AdmissionConfig(filter, perAddress, rate, burst, Integer.MAX_VALUE, Integer.MAX_VALUE);
    }

    private final List<Refusal> responses = new ArrayList<>();
    private final Map<RefusalReason, Integer> counted = new EnumMap<>(RefusalReason.class);
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final AtomicReference<Refusal> gateState = new AtomicReference<>();

    private final RefusalResponder responder = (ctx, refusal) -> {
        responses.add(refusal);
        ctx.close();
    };
    private final RefusalListener listener = reason -> counted.merge(reason, 1, Integer::sum);

    private AdmissionControl control(AdmissionConfig config, int cap) {
        return new AdmissionControl(config, cap, gateState::get, responder, listener, nanos::get);
    }

    /** Records what a later handler (TLS, the decoder) would see. */
    private static final class Downstream extends ChannelInboundHandlerAdapter {
        int active;
        int inactive;

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            active++;
            ctx.fireChannelActive();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            inactive++;
            ctx.fireChannelInactive();
        }
    }

    private static PeerChannel connect(AdmissionControl control, String address, Downstream downstream) {
        return PeerChannel.connect(address, control.handler(), downstream);
    }

    @Test
    void refusesAtTheConnectionCapAndAdmitsAgainOnceASlotFrees() {
        AdmissionControl control = control(AdmissionConfig.OPEN, 2);
        PeerChannel first = connect(control, "10.0.0.1", new Downstream());
        PeerChannel second = connect(control, "10.0.0.2", new Downstream());
        Downstream refusedDownstream = new Downstream();
        PeerChannel third = connect(control, "10.0.0.3", refusedDownstream);

        assertTrue(first.isActive());
        assertTrue(second.isActive());
        assertFalse(third.isOpen());
        assertEquals(List.of(new Refusal(RefusalReason.CONNECTION_CAP, "connection cap 2 reached")), responses);
        assertEquals(Map.of(RefusalReason.CONNECTION_CAP, 1), counted);
        assertEquals(0, refusedDownstream.active, "a refused connection never reaches later handlers");
        assertEquals(0, refusedDownstream.inactive);
        assertEquals(2, control.activeConnections());

        first.close();
        assertEquals(1, control.activeConnections());
        Downstream fourth = new Downstream();
        PeerChannel next = connect(control, "10.0.0.4", fourth);
        assertTrue(next.isActive());
        assertEquals(1, fourth.active);
        assertEquals(2, control.activeConnections());
    }

    @Test
    void closingAnAdmittedConnectionReachesLaterHandlersOnce() {
        AdmissionControl control = control(AdmissionConfig.OPEN, 10);
        Downstream downstream = new Downstream();
        PeerChannel ch = connect(control, "10.0.0.1", downstream);
        ch.close();
        ch.close();
        assertEquals(1, downstream.active);
        assertEquals(1, downstream.inactive);
        assertEquals(0, control.activeConnections());
    }

    @Test
    void perAddressCapRefusesThatAddressOnly() {
        AdmissionControl control = control(config(IpFilter.OPEN, 2, 0, 1000), 100);
        PeerChannel a1 = connect(control, "192.0.2.7", new Downstream());
        connect(control, "192.0.2.7", new Downstream());
        PeerChannel a3 = connect(control, "192.0.2.7", new Downstream());
        PeerChannel b1 = connect(control, "192.0.2.8", new Downstream());

        assertFalse(a3.isOpen());
        assertTrue(b1.isActive());
        assertEquals(List.of(new Refusal(RefusalReason.ADDRESS_CAP, "per-address cap 2 reached")), responses);
        assertEquals(3, control.activeConnections(), "the refused connection gave its global slot back");

        a1.close();
        assertTrue(connect(control, "192.0.2.7", new Downstream()).isActive());
    }

    @Test
    void perAddressCountsForgetAddressesWithNoConnections() {
        AdmissionControl control = control(config(IpFilter.OPEN, 2, 0, 1000), 100);
        PeerChannel ch = connect(control, "192.0.2.7", new Downstream());
        assertEquals(1, control.trackedAddresses());
        ch.close();
        assertEquals(0, control.trackedAddresses());
    }

    @Test
    void blocklistedAndNotAllowlistedAddressesAreRefusedWithoutTakingASlot() {
        IpFilter filter = IpFilter.parse("10.0.0.0/8, 2001:db8::/32", "10.6.6.0/24, 2001:db8:bad::/48");
        AdmissionControl control = control(config(filter, 0, 0, 1000), 100);

        assertTrue(connect(control, "10.1.2.3", new Downstream()).isActive());
        assertTrue(connect(control, "2001:db8::1", new Downstream()).isActive());
        assertFalse(connect(control, "10.6.6.6", new Downstream()).isOpen());
        assertFalse(connect(control, "2001:db8:bad::1", new Downstream()).isOpen());
        assertFalse(connect(control, "192.168.1.1", new Downstream()).isOpen());
        assertFalse(connect(control, "2001:db9::1", new Downstream()).isOpen());

        assertEquals(Map.of(RefusalReason.BLOCKLIST, 2, RefusalReason.NOT_ALLOWLISTED, 2), counted);
        assertEquals(List.of(), responses, "refused by policy: closed without a word, the responder is not asked");
        assertEquals(2, control.activeConnections());
    }

    @Test
    void closedGateRefusesWithItsReasonUntilItOpens() {
        AdmissionControl control = control(AdmissionConfig.OPEN, 100);
        gateState.set(new Refusal(RefusalReason.BREACH, "resource breach: heap"));
        assertFalse(connect(control, "10.0.0.1", new Downstream()).isOpen());
        gateState.set(new Refusal(RefusalReason.SHUTDOWN, "server shutting down"));
        assertFalse(connect(control, "10.0.0.1", new Downstream()).isOpen());
        gateState.set(null);
        assertTrue(connect(control, "10.0.0.1", new Downstream()).isActive());

        assertEquals(List.of(new Refusal(RefusalReason.BREACH, "resource breach: heap"),
                new Refusal(RefusalReason.SHUTDOWN, "server shutting down")), responses);
        assertEquals(1, control.activeConnections());
    }

    @Test
    void rateGuardDelaysConnectionsOverTheBurstThenAdmitsThem() {
        AdmissionControl control = control(config(IpFilter.OPEN, 0, 2, 2), 100);
        Downstream d1 = new Downstream();
        Downstream d2 = new Downstream();
        Downstream d3 = new Downstream();
        connect(control, "203.0.113.9", d1);
        connect(control, "203.0.113.9", d2);
        PeerChannel third = connect(control, "203.0.113.9", d3);

        assertEquals(1, d1.active);
        assertEquals(1, d2.active);
        assertEquals(0, d3.active, "over the burst: held back, not refused");
        assertTrue(third.isActive());
        assertFalse(third.config().isAutoRead(), "nothing is read while held back");
        assertEquals(1, control.delayedConnections());
        assertTrue(responses.isEmpty());
        assertEquals(3, control.activeConnections(), "a held connection keeps its slot");

        // Two connections per second: the third token is there half a second later.
        nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(500));
        third.advanceTimeBy(500, TimeUnit.MILLISECONDS);
        third.runScheduledPendingTasks();

        assertEquals(1, d3.active);
        assertTrue(third.config().isAutoRead());
    }

    @Test
    void delayedConnectionThatClosesFirstIsNeverSeenDownstreamAndFreesItsSlot() {
        AdmissionControl control = control(config(IpFilter.OPEN, 0, 1, 1), 100);
        connect(control, "203.0.113.9", new Downstream());
        Downstream held = new Downstream();
        PeerChannel waiting = connect(control, "203.0.113.9", held);
        waiting.close();
        waiting.advanceTimeBy(2, TimeUnit.SECONDS);
        waiting.runScheduledPendingTasks();

        assertEquals(0, held.active);
        assertEquals(0, held.inactive);
        assertEquals(1, control.activeConnections());
        // Its reserved token came back: the next connection waits for one token, not two.
        Downstream next = new Downstream();
        PeerChannel after = connect(control, "203.0.113.9", next);
        nanos.addAndGet(TimeUnit.SECONDS.toNanos(1));
        after.advanceTimeBy(1, TimeUnit.SECONDS);
        after.runScheduledPendingTasks();
        assertEquals(1, next.active);
    }

    @Test
    void rateGuardIsPerAddress() {
        AdmissionControl control = control(config(IpFilter.OPEN, 0, 1, 1), 100);
        Downstream a = new Downstream();
        Downstream b = new Downstream();
        connect(control, "203.0.113.9", new Downstream());
        connect(control, "203.0.113.9", a);
        connect(control, "203.0.113.10", b);
        assertEquals(0, a.active);
        assertEquals(1, b.active);
    }

    @Test
    void peerWithoutIpAddressCountsGloballyAndFailsOnlyAnAllowlist() {
        AdmissionControl open = control(AdmissionConfig.OPEN, 10);
        EmbeddedChannel plain = new EmbeddedChannel(open.handler());
        assertTrue(plain.isActive());
        assertEquals(1, open.activeConnections());
        plain.close();
        assertEquals(0, open.activeConnections());

        AdmissionControl restricted = control(config(IpFilter.parse("10.0.0.0/8", ""), 0, 0, 1), 10);
        assertFalse(new EmbeddedChannel(restricted.handler()).isOpen());
        assertEquals(Map.of(RefusalReason.NOT_ALLOWLISTED, 1), counted);
    }

    private static AdmissionConfig unauthenticatedCaps(int total, int perAddress) {
        return new AdmissionConfig(IpFilter.OPEN, 0, 0, 1000, total, perAddress);
    }

    @Test
    void unauthenticatedCapRefusesNewConnectionsUntilOneAuthenticatesOrCloses() {
        AdmissionControl control = control(unauthenticatedCaps(2, 2), 100);
        PeerChannel a = connect(control, "10.0.0.1", new Downstream());
        PeerChannel b = connect(control, "10.0.0.2", new Downstream());
        Downstream refusedDownstream = new Downstream();
        PeerChannel c = connect(control, "10.0.0.3", refusedDownstream);

        assertFalse(c.isOpen());
        assertEquals(0, refusedDownstream.active);
        assertEquals(List.of(new Refusal(RefusalReason.UNAUTHENTICATED_CAP,
                "unauthenticated-connection cap 2 reached")), responses);
        assertEquals(Map.of(RefusalReason.UNAUTHENTICATED_CAP, 1), counted);
        assertEquals(2, control.activeConnections(), "the refused connection gave its slot back");
        assertEquals(2, control.unauthenticatedConnections());

        control.authenticated(a);
        control.authenticated(a);
        assertEquals(1, control.unauthenticatedConnections(), "authenticated once, freed once");
        assertTrue(connect(control, "10.0.0.4", new Downstream()).isActive());
        b.close();
        assertTrue(connect(control, "10.0.0.5", new Downstream()).isActive());
        assertEquals(3, control.activeConnections());
        assertEquals(2, control.unauthenticatedConnections(), "the authenticated one counts only against the cap");
        a.close();
        assertEquals(2, control.unauthenticatedConnections(), "closing an authenticated one frees no such slot");
    }

    @Test
    void perAddressUnauthenticatedCapRefusesThatAddressOnly() {
        AdmissionControl control = control(unauthenticatedCaps(100, 2), 100);
        PeerChannel first = connect(control, "192.0.2.7", new Downstream());
        connect(control, "192.0.2.7", new Downstream());
        PeerChannel third = connect(control, "192.0.2.7", new Downstream());
        PeerChannel other = connect(control, "192.0.2.8", new Downstream());

        assertFalse(third.isOpen());
        assertTrue(other.isActive());
        assertEquals(List.of(new Refusal(RefusalReason.UNAUTHENTICATED_ADDRESS_CAP,
                "per-address unauthenticated-connection cap 2 reached")), responses);
        assertEquals(3, control.activeConnections());
        assertEquals(3, control.unauthenticatedConnections());

        control.authenticated(first);
        assertTrue(connect(control, "192.0.2.7", new Downstream()).isActive(),
                "an address may hold any number of authenticated connections");
    }

    @Test
    void unauthenticatedCapsDeriveFromTheConnectionCapAndStayBelowIt() {
        AdmissionControl derived = control(unauthenticatedCaps(0, 0), 400);
        assertEquals(200, derived.unauthenticatedCap(), "half the connection cap");
        assertEquals(50, derived.unauthenticatedPerAddressCap(), "a quarter of that per address");

        AdmissionControl explicit = control(unauthenticatedCaps(1000, 500), 400);
        assertEquals(400, explicit.unauthenticatedCap(), "never above the connection cap");
        assertEquals(400, explicit.unauthenticatedPerAddressCap(), "nor above the total");

        AdmissionControl tiny = control(unauthenticatedCaps(0, 0), 1);
        assertEquals(1, tiny.unauthenticatedCap());
        assertEquals(1, tiny.unauthenticatedPerAddressCap());
    }
}

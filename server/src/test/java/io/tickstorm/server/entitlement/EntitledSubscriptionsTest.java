package io.tickstorm.server.entitlement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.netty.channel.embedded.EmbeddedChannel;
import io.tickstorm.server.feed.SymbolUniverse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a reload takes from each kind of subscription (PROTOCOL.md §5.11). */
class EntitledSubscriptionsTest {

    private final SymbolUniverse universe = SymbolUniverse.of(List.of("FX.EURUSD", "FX.GBPUSD", "AAPL", "MSFT"));
    private final EntitledSubscriptions subscriptions = new EntitledSubscriptions(universe);

    private static SymbolPatterns of(String... patterns) {
        return SymbolPatterns.of(List.of(patterns));
    }

    private static Entitlements entitlements(Map<String, SymbolPatterns> users) {
        return new Entitlements(users, SymbolPatterns.EVERYTHING, new byte[0]);
    }

    @Test
    void anExplicitListLosesTheFirstSymbolTheNewPatternsLeaveOut() {
        EntitledSubscriptions.Entry entry = new EntitledSubscriptions.Entry("alice", of("FX.*", "AAPL"),
                new String[] {"AAPL", "FX.EURUSD"});
        assertEquals("AAPL", subscriptions.lost(entry, of("FX.*")));
        assertNull(subscriptions.lost(entry, of("FX.EURUSD", "AAPL", "MSFT")), "still entitled to both");
        assertEquals("FX.EURUSD", subscriptions.lost(entry, of("AAPL")));
        assertEquals("AAPL", subscriptions.lost(entry, SymbolPatterns.NOTHING));
    }

    @Test
    void anEverySymbolSubscriptionLosesACarriedSymbolOrElseTheWithdrawnPattern() {
        EntitledSubscriptions.Entry entry = new EntitledSubscriptions.Entry("alice", of("FX.*", "EQ.*"), null);
        assertEquals("FX.GBPUSD", subscriptions.lost(entry, of("FX.EUR*", "EQ.*")));
        assertEquals("EQ.*", subscriptions.lost(entry, of("FX.*")), "carries no EQ. symbol yet, would later");
        assertNull(subscriptions.lost(entry, of("FX.*", "EQ.*", "AAPL")), "widened: keeps its stream");
        assertNull(subscriptions.lost(entry, of("*")));
    }

    @Test
    void aReloadReportsOnlyTheSubscriptionsItTakesASymbolFrom() {
        EmbeddedChannel alice = new EmbeddedChannel();
        EmbeddedChannel bob = new EmbeddedChannel();
        EmbeddedChannel carol = new EmbeddedChannel();
        subscriptions.add(alice, new EntitledSubscriptions.Entry("alice", of("FX.*"), null));
        subscriptions.add(bob, new EntitledSubscriptions.Entry("bob", of("AAPL", "MSFT"),
                new String[] {"MSFT"}));
        subscriptions.add(carol, new EntitledSubscriptions.Entry("carol", SymbolPatterns.EVERYTHING,
                new String[] {"AAPL"}));
        Map<String, SymbolPatterns> users = new LinkedHashMap<>();
        users.put("alice", of("FX.EURUSD"));
        users.put("bob", of("MSFT"));
        Map<Object, String> revoked = new LinkedHashMap<>();
        subscriptions.forEachRevoked(entitlements(users), revoked::put);
        assertEquals(Map.of(alice, "FX.GBPUSD"), revoked);

        subscriptions.remove(alice);
        revoked.clear();
        subscriptions.forEachRevoked(entitlements(Map.of("carol", of("MSFT"))), revoked::put);
        assertEquals(Map.of(carol, "AAPL"), revoked);
        alice.finishAndReleaseAll();
        bob.finishAndReleaseAll();
        carol.finishAndReleaseAll();
    }
}

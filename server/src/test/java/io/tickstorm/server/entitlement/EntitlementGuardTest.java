package io.tickstorm.server.entitlement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.embedded.EmbeddedChannel;
import io.prometheus.client.CollectorRegistry;
import io.tickstorm.protocol.codec.OutboundMessage;
import io.tickstorm.protocol.proto.ErrorCode;
import io.tickstorm.protocol.proto.ErrorResponse;
import io.tickstorm.server.connection.ConnectionState;
import io.tickstorm.server.connection.ErrorResponder;
import io.tickstorm.server.feed.SymbolUniverse;
import io.tickstorm.server.metrics.ServerMetrics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The guard's reload and registration on channels (the end-to-end path is in {@link EntitlementsIT}). */
class EntitlementGuardTest {

    @TempDir
    Path dir;

    private final SymbolUniverse universe = SymbolUniverse.of(List.of("AAPL", "MSFT", "FX.EURUSD"));
    private final CollectorRegistry registry = new CollectorRegistry();
    private final ServerMetrics metrics = new ServerMetrics(registry);

    private EntitlementGuard guard(Path file) {
        return new EntitlementGuard(new EntitlementsConfig(Optional.of(file), EntitlementsConfig.Default.ALL,
                Duration.ofSeconds(1)), universe, new ErrorResponder(metrics), metrics);
    }

    private static EmbeddedChannel channelOf(String user) {
        EmbeddedChannel channel = new EmbeddedChannel();
        ConnectionState.of(channel).username(user);
        return channel;
    }

    private double revoked() {
        return registry.getSampleValue(ServerMetrics.SUBSCRIPTIONS_DENIED, new String[] {"reason"},
                new String[] {"revoked"});
    }

    @Test
    void aReloadClosesTheSubscriptionsItTakesASymbolFromWithInvalidSubscriptionNamingIt() throws Exception {
        Path file = Files.writeString(dir.resolve("ents"), "alice: AAPL, MSFT\nbob: AAPL\n");
        EntitlementGuard guard = guard(file);
        EmbeddedChannel alice = channelOf("alice");
        EmbeddedChannel bob = channelOf("bob");
        Entitlements snapshot = guard.current();
        guard.subscribed(alice, snapshot.of("alice"), snapshot, new int[] {1}, false);
        guard.subscribed(bob, snapshot.of("bob"), snapshot, new int[] {0}, false);

        Files.writeString(file, "alice: AAPL\nbob: AAPL\n");
        assertTrue(guard.reload());
        alice.runPendingTasks();
        bob.runPendingTasks();

        OutboundMessage sent = alice.readOutbound();
        ErrorResponse error = (ErrorResponse) sent.body();
        assertEquals(ErrorCode.INVALID_SUBSCRIPTION, error.getCode());
        assertEquals("MSFT", error.getDetails());
        assertFalse(alice.isOpen());
        assertNull(bob.readOutbound());
        assertTrue(bob.isOpen());
        assertEquals(1, revoked());
        assertFalse(guard.reload(), "unchanged file");
        bob.finishAndReleaseAll();
    }

    @Test
    void aSubscriptionCheckedAgainstASnapshotAReloadReplacedIsCheckedAgainstTheNewOne() throws Exception {
        Path file = Files.writeString(dir.resolve("ents"), "alice: FX.*\n");
        EntitlementGuard guard = guard(file);
        Entitlements checked = guard.current();
        // The reload lands between alice's SUBSCRIBE check and her registration: its scan cannot see her.
        Files.writeString(file, "alice: AAPL\n");
        assertTrue(guard.reload());

        EmbeddedChannel alice = channelOf("alice");
        guard.subscribed(alice, checked.of("alice"), checked, new int[0], true);

        OutboundMessage sent = alice.readOutbound();
        assertEquals("FX.EURUSD", ((ErrorResponse) sent.body()).getDetails());
        assertFalse(alice.isOpen());
        assertEquals(1, revoked());
    }

    @Test
    void aBrokenReloadKeepsThePreviousEntitlements() throws Exception {
        Path file = Files.writeString(dir.resolve("ents"), "alice: AAPL\n");
        EntitlementGuard guard = guard(file);
        Files.writeString(file, "alice AAPL\n");
        EntitlementsFileException e = assertThrows(EntitlementsFileException.class, guard::reload);
        assertTrue(e.getMessage().contains("line 1"), e.getMessage());
        assertTrue(guard.current().of("alice").matches("AAPL"));
        assertFalse(guard.current().of("alice").matches("MSFT"));
    }
}

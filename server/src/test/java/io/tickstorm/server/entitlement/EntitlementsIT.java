package io.tickstorm.server.entitlement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tickstorm.protocol.FrameType;
import io.tickstorm.protocol.proto.AckResponse;
import io.tickstorm.protocol.proto.DataBatch;
import io.tickstorm.protocol.proto.ErrorCode;
import io.tickstorm.protocol.proto.ErrorResponse;
import io.tickstorm.protocol.proto.MessageType;
import io.tickstorm.protocol.proto.SubscribeRequest;
import io.tickstorm.protocol.proto.SubscriptionMode;
import io.tickstorm.protocol.proto.Tick;
import io.tickstorm.server.TickServer;
import io.tickstorm.server.auth.BcryptHash;
import io.tickstorm.server.metrics.ServerMetrics;
import io.tickstorm.server.testing.RawClient;
import io.tickstorm.server.testing.TestServers;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Entitlements through a real server (PROTOCOL.md §5.2, §5.11): a recorded file source whose universe learns its
 * symbols, FX.GBPUSD and EQ.MSFT appearing only 5 s into the recording; users from a credentials file, entitlements
 * from their own file, {@code ENTITLEMENTS_DEFAULT=none}. One server for the class; the reload test runs last.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EntitlementsIT {

    private static final String PASSWORD = "pw";
    private static final long RECORDING_MS = 60_000;
    private static final long LATE_SYMBOLS_MS = 5_000;
    /** The recording's first timestamp. */
    private static final long REC = 1_796_025_600_000L;
    private static final String ENTITLEMENTS = """
            # licences
            alice: FX.*
            frank: FX.EURUSD, FX.*
            bob:   FX.*, EQ.AAPL
            carol: *
            erin:
            """;

    @TempDir
    static Path dir;

    private static TickServer server;
    private static Path entitlementsFile;
    /** Alice, subscribed to every entitled symbol right after startup, before the late symbols appear. */
    private static RawClient earlyAlice;

    @BeforeAll
    static void start() throws Exception {
        List<String> lines = new ArrayList<>();
        for (long t = 0; t < RECORDING_MS; t += 20) {
            boolean late = t >= LATE_SYMBOLS_MS;
            String symbol = switch ((int) (t / 20 % 4)) {
                case 0 -> "FX.EURUSD";
                case 1 -> "EQ.AAPL";
                case 2 -> late ? "FX.GBPUSD" : "FX.EURUSD";
                default -> late ? "EQ.MSFT" : "EQ.AAPL";
            };
            lines.add("{\"symbol\":\"" + symbol + "\",\"timestamp_ms\":" + (REC + t) + ",\"price\":1.5,\"volume\":1,"
                    + "\"bid\":1.4,\"ask\":1.6,\"bid_size\":10,\"ask_size\":20}");
        }
        Path recording = Files.write(dir.resolve("recording.ndjson"), lines, StandardCharsets.UTF_8);
        SecureRandom random = new SecureRandom();
        StringBuilder users = new StringBuilder();
        for (String user : List.of("alice", "bob", "carol", "dave", "erin", "frank")) {
            users.append(user).append(':').append(BcryptHash.create(PASSWORD.getBytes(StandardCharsets.UTF_8), 4,
                    random).encoded()).append('\n');
        }
        Path credentials = Files.writeString(dir.resolve("users"), users);
        entitlementsFile = Files.writeString(dir.resolve("entitlements"), ENTITLEMENTS);
        server = TestServers.start(Map.ofEntries(
                Map.entry("tick-storm.auth.username", ""),
                Map.entry("tick-storm.auth.password", ""),
                Map.entry("tick-storm.auth.credentials-file", credentials.toString()),
                Map.entry("tick-storm.entitlements.file", entitlementsFile.toString()),
                Map.entry("tick-storm.entitlements.default", "none"),
                // Reloads happen when a test calls for one, so that it knows when.
                Map.entry("tick-storm.entitlements.reload-interval", "1h"),
                Map.entry("tick-storm.heartbeat.interval", "60s"),
                Map.entry("tick-storm.heartbeat.timeout", "120s"),
                Map.entry("tick-storm.feed.source", "file"),
                Map.entry("tick-storm.feed.file.path", recording.toString())));
        earlyAlice = login("alice");
        subscribeOk(earlyAlice, SubscriptionMode.REALTIME);
    }

    @AfterAll
    static void stop() throws IOException {
        if (earlyAlice != null) {
            earlyAlice.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private static RawClient login(String user) throws IOException {
        RawClient client = RawClient.connect(server.tickAddress());
        client.auth(user, PASSWORD);
        RawClient.Received ack = client.read();
        assertEquals(FrameType.ACK.code(), ack.type(), () -> user + ": expected ACK, got " + ack);
        assertTrue(ack.as(AckResponse.class).getSuccess());
        return client;
    }

    private static void subscribe(RawClient client, SubscriptionMode mode, String... symbols) throws IOException {
        client.subscribe(SubscribeRequest.newBuilder().setMode(mode).addAllSymbols(List.of(symbols)).build());
    }

    /** Subscribes and reads the ACK; returns the snapshot batch. */
    private static DataBatch subscribeOk(RawClient client, SubscriptionMode mode, String... symbols)
            throws IOException {
        subscribe(client, mode, symbols);
        RawClient.Received ack = client.read();
        assertEquals(FrameType.ACK.code(), ack.type(), () -> "expected ACK, got " + ack);
        assertEquals(MessageType.SUBSCRIBE, ack.as(AckResponse.class).getAckType());
        DataBatch snapshot = client.read().batch();
        assertTrue(snapshot.getIsSnapshot());
        return snapshot;
    }

    private static double denied(String reason) {
        Double value = server.metrics().registry().getSampleValue(ServerMetrics.SUBSCRIPTIONS_DENIED,
                new String[] {"reason"}, new String[] {reason});
        return value == null ? 0 : value;
    }

    private static double streams() {
        return server.metrics().registry().getSampleValue(ServerMetrics.STREAMS);
    }

    private static void awaitStreams(double expected) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (streams() != expected && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(expected, streams(), "streams alive");
    }

    private static TreeSet<String> symbols(DataBatch batch) {
        TreeSet<String> names = new TreeSet<>();
        for (Tick tick : batch.getTicksList()) {
            names.add(tick.getSymbol());
        }
        return names;
    }

    @Test
    @Order(1)
    void anEmptyListGivesEveryEntitledSymbolIncludingOnesThatAppearLater() throws IOException {
        // Subscribed at startup: the late symbols were unknown then.
        TreeSet<String> seen = new TreeSet<>();
        while (!seen.contains("FX.GBPUSD")) {
            DataBatch batch = earlyAlice.read().batch();
            assertFalse(batch.getIsSnapshot());
            seen.addAll(symbols(batch));
        }
        assertEquals(new TreeSet<>(List.of("FX.EURUSD", "FX.GBPUSD")), seen, "FX.* only, EQ.* never");
    }

    @Test
    @Order(2)
    void aSymbolOutsideTheEntitlementsIsInvalidSubscriptionNamingItAndTheConnectionStaysOpen() throws IOException {
        double before = denied("not_entitled");
        try (RawClient bob = login("bob")) {
            subscribe(bob, SubscriptionMode.REALTIME, "FX.EURUSD", "EQ.MSFT");
            ErrorResponse error = bob.expectError(ErrorCode.INVALID_SUBSCRIPTION);
            assertEquals("EQ.MSFT", error.getDetails());
            assertTrue(error.getMessage().contains("EQ.MSFT"), error.getMessage());
            // Not carried and not entitled: the entitlement answers, so the user learns nothing about the symbol.
            subscribe(bob, SubscriptionMode.SECOND, "NOPE");
            assertEquals("NOPE", bob.expectError(ErrorCode.INVALID_SUBSCRIPTION).getDetails());

            DataBatch snapshot = subscribeOk(bob, SubscriptionMode.REALTIME, "EQ.AAPL", "FX.EURUSD");
            assertTrue(new TreeSet<>(List.of("EQ.AAPL", "FX.EURUSD")).containsAll(symbols(snapshot)));
            assertTrue(bob.read().batch().getTicksCount() > 0, "streaming after the denials");
        }
        assertEquals(before + 2, denied("not_entitled"));
    }

    @Test
    @Order(3)
    void everySymbolBarsCarryOnlyTheEntitledSymbols() throws IOException {
        try (RawClient bob = login("bob")) {
            TreeSet<String> seen = new TreeSet<>(symbols(subscribeOk(bob, SubscriptionMode.SECOND)));
            for (int bars = 0; bars < 2; bars++) {
                seen.addAll(symbols(bob.read().batch()));
            }
            assertTrue(seen.contains("EQ.AAPL") && seen.contains("FX.EURUSD"), seen::toString);
            assertTrue(List.of("EQ.AAPL", "FX.EURUSD", "FX.GBPUSD").containsAll(seen), seen::toString);
        }
    }

    @Test
    @Order(3)
    void everySymbolConflatedBatchesCarryOnlyTheEntitledSymbols() throws IOException {
        try (RawClient bob = login("bob")) {
            bob.subscribe(SubscribeRequest.newBuilder().setMode(SubscriptionMode.REALTIME)
                    .putMetadata("conflate_ms", "100").build());
            RawClient.Received ack = bob.read();
            assertEquals(FrameType.ACK.code(), ack.type(), () -> "expected ACK, got " + ack);
            DataBatch snapshot = bob.read().batch();
            assertTrue(snapshot.getIsSnapshot());
            TreeSet<String> seen = new TreeSet<>(symbols(snapshot));
            for (int batches = 0; batches < 5; batches++) {
                seen.addAll(symbols(bob.read().batch()));
            }
            assertTrue(seen.contains("FX.EURUSD"), seen::toString);
            assertTrue(List.of("EQ.AAPL", "FX.EURUSD", "FX.GBPUSD").containsAll(seen), seen::toString);
        }
    }

    @Test
    @Order(4)
    void withDefaultNoneAUserWithoutAnEntryOrWithAnEmptyOneIsEntitledToNothing() throws IOException {
        double before = denied("no_entitlement");
        for (String user : List.of("dave", "erin")) {
            try (RawClient client = login(user)) {
                subscribe(client, SubscriptionMode.REALTIME);
                assertEquals("symbols", client.expectError(ErrorCode.INVALID_SUBSCRIPTION).getDetails(), user);
                subscribe(client, SubscriptionMode.SECOND, "FX.EURUSD");
                assertEquals("FX.EURUSD", client.expectError(ErrorCode.INVALID_SUBSCRIPTION).getDetails(), user);
                client.heartbeat(7);
                assertEquals(FrameType.PONG.code(), client.read().type(), user + ": still open");
            }
        }
        assertEquals(before + 2, denied("no_entitlement"));
    }

    @Test
    @Order(5)
    void everySymbolSubscribersWithEqualEntitlementsShareOneStream() throws Exception {
        // Only alice's connection from startup is subscribed now (earlier tests' connections end as they close).
        awaitStreams(1);
        try (RawClient frank = login("frank");
                RawClient carol = login("carol")) {
            // Frank's "FX.EURUSD, FX.*" is alice's "FX.*": he joins the stream of alice's connection from startup.
            subscribeOk(frank, SubscriptionMode.REALTIME);
            assertEquals(1, streams());
            assertTrue(symbols(frank.read().batch()).stream().allMatch(symbol -> symbol.startsWith("FX.")));
            // Carol's "*" is another stream, of every symbol.
            subscribeOk(carol, SubscriptionMode.REALTIME);
            assertEquals(2, streams());
        }
    }

    @Test
    @Order(6)
    void aReloadThatTakesASubscribedSymbolAwayClosesThoseConnectionsWithinOneSecondAndNoOthers() throws Exception {
        try (RawClient carol = login("carol");
                RawClient alice = login("alice");
                RawClient bob = login("bob")) {
            subscribeOk(carol, SubscriptionMode.REALTIME, "EQ.AAPL");
            subscribeOk(alice, SubscriptionMode.REALTIME);
            subscribeOk(bob, SubscriptionMode.REALTIME, "FX.EURUSD");
            double revokedBefore = denied("revoked");

            // Carol loses EQ.AAPL; alice, subscribed to every entitled symbol, narrows from FX.* to FX.GBP*, so
            // she loses FX.EURUSD, which she was receiving; bob's entitlements do not change.
            Files.writeString(entitlementsFile, ENTITLEMENTS.replace("carol: *", "carol: FX.*")
                    .replace("alice: FX.*", "alice: FX.GBP*"));
            assertTrue(server.reloadEntitlements());

            // The protocol's deadline (§5.11), counted from the reload: the ERROR must be there within 1 s.
            carol.socket().setSoTimeout(1_000);
            alice.socket().setSoTimeout(1_000);
            assertEquals("EQ.AAPL", readUntilError(carol).getDetails());
            carol.expectClosed();
            assertEquals("FX.EURUSD", readUntilError(alice).getDetails());
            alice.expectClosed();
            // Alice's connection from startup is subscribed the same way: closed too.
            earlyAlice.socket().setSoTimeout(1_000);
            assertEquals("FX.EURUSD", readUntilError(earlyAlice).getDetails());
            earlyAlice.expectClosed();

            for (int batches = 0; batches < 3; batches++) {
                DataBatch batch = bob.read().batch();
                assertEquals(new TreeSet<>(List.of("FX.EURUSD")), symbols(batch));
            }
            assertEquals(revokedBefore + 3, denied("revoked"));
        }
        // Restore the original file so that a rerun in the same JVM starts clean.
        Files.writeString(entitlementsFile, ENTITLEMENTS);
        server.reloadEntitlements();
    }

    /** Skips the data batches already on their way, then returns the ERROR, which must be INVALID_SUBSCRIPTION. */
    private static ErrorResponse readUntilError(RawClient client) throws IOException {
        while (true) {
            RawClient.Received frame = client.read();
            if (frame.type() == FrameType.ERROR.code()) {
                ErrorResponse error = frame.as(ErrorResponse.class);
                assertEquals(ErrorCode.INVALID_SUBSCRIPTION, error.getCode(), error::toString);
                return error;
            }
            assertEquals(FrameType.DATA_BATCH.code(), frame.type(), frame::toString);
        }
    }
}

package io.tickstorm.server.admission;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tickstorm.protocol.FrameType;
import io.tickstorm.protocol.proto.AuthRequest;
import io.tickstorm.protocol.proto.DataBatch;
import io.tickstorm.protocol.proto.ErrorCode;
import io.tickstorm.protocol.proto.ErrorResponse;
import io.tickstorm.protocol.proto.SubscribeRequest;
import io.tickstorm.protocol.proto.SubscriptionMode;
import io.tickstorm.server.TickServer;
import io.tickstorm.server.testing.RawClient;
import io.tickstorm.server.testing.RawClient.Received;
import io.tickstorm.server.testing.TestServers;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 12 item 1, end to end: hundreds of unauthenticated connections from four addresses send oversize headers,
 * AUTHs with pipelined 64 KiB frames and partial frames while an authenticated REALTIME subscriber keeps receiving
 * every batch (no sequence gap, no ERROR); oversize frames are refused from their header, nothing behind a pending
 * AUTH is processed, the bytes held for unauthenticated connections never exceed the pre-auth budget (connections
 * over it are refused), and a login right after the attack works.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class PreAuthAttackIT {

    private static final long BUDGET_BYTES = 512 * 1024;
    private static final int ATTACKERS = 200;
    private static final String[] SOURCES = {"127.0.0.11", "127.0.0.12", "127.0.0.13", "127.0.0.14"};
    private static final String BUFFERED = "tick_storm_pre_auth_buffered_bytes";
    private static final String BUDGET_REFUSALS = "tick_storm_pre_auth_budget_refusals_total";
    private static final String UNAUTHENTICATED = "tick_storm_unauthenticated_connections";

    private static byte[] header(FrameType type, int length) {
        return ByteBuffer.allocate(8).put((byte) 0xF5).put((byte) 0x7D).put((byte) 1).put((byte) type.code())
                .putInt(length).array();
    }

    private static String source(int i) {
        return SOURCES[i % SOURCES.length];
    }

    @Test
    void subscriberLosesNothingWhileUnauthenticatedClientsFloodAndLoginsWorkRightAfter() throws Exception {
        ExecutorService threads = Executors.newCachedThreadPool();
        try (TickServer server = TestServers.start(Map.of(
                "tick-storm.pre-auth.buffer-budget", BUDGET_BYTES,
                // The attackers' sockets live in this JVM too: a cap well below the open-file limit keeps them
                // inside the descriptor reserve, so no open-files breach closes admission.
                "tick-storm.limits.max-connections", 2000,
                "tick-storm.auth.timeout", "1m",
                "tick-storm.auth.max-attempts", 100_000,
                "tick-storm.auth.account-max-attempts", 100_000,
                "tick-storm.heartbeat.timeout", "2m",
                "tick-storm.feed.rate", 2000));
                RawClient subscriber = RawClient.connectFrom("127.0.0.10", server.tickAddress());
                OpenConnections<RawClient> attackers = new OpenConnections<>()) {
            MetricsScraper scraper = new MetricsScraper(server.metricsPort());
            subscriber.authenticate();
            subscriber.subscribe(SubscribeRequest.newBuilder().setMode(SubscriptionMode.REALTIME).build());
            assertEquals(FrameType.ACK.code(), subscriber.read().type());
            Future<String> stream = threads.submit(new GapCheck(subscriber));

            // Phase 1: oversize headers, and AUTHs (wrong password) with maximal frames pipelined behind them.
            try (OpenConnections<RawClient> oversize = new OpenConnections<>();
                    OpenConnections<RawClient> guessing = new OpenConnections<>()) {
                byte[] auth = RawClient.frame(FrameType.AUTH.code(), AuthRequest.newBuilder()
                        .setUsername("mallory").setPassword("guess").build().toByteArray());
                byte[] pipelined = new byte[4 * 65_548];
                // The oversize headers first: the guessers' pipelined bytes can fill the pre-auth budget, and a
                // connection made while it is full is refused (SERVER_OVERLOADED) before its header is read.
                for (int i = 0; i < ATTACKERS; i++) {
                    RawClient attacker = oversize.add(RawClient.connectFrom(source(i), server.tickAddress()));
                    send(attacker, header(FrameType.AUTH, 65_536));
                    send(attacker, new byte[60_000]);
                }
                for (RawClient attacker : oversize.all()) {
                    assertEquals(ErrorCode.MESSAGE_TOO_LARGE, answer(attacker));
                }
                for (int i = 0; i < ATTACKERS; i++) {
                    RawClient guesser = guessing.add(RawClient.connectFrom(source(i), server.tickAddress()));
                    send(guesser, auth);
                    threads.execute(() -> send(guesser, pipelined));
                }
                for (RawClient guesser : guessing.all()) {
                    assertEquals(ErrorCode.INVALID_AUTH, answer(guesser), "and no frame behind it processed");
                }
                assertTrue(scraper.value(BUFFERED) <= BUDGET_BYTES);
            }

            // Phase 2: partial frames within the pre-auth maximum, held open: they fill the budget, the rest are
            // refused.
            for (int i = 0; i < ATTACKERS; i++) {
                RawClient attacker = attackers.add(RawClient.connectFrom(source(i), server.tickAddress()));
                send(attacker, header(FrameType.AUTH, 4096));
                send(attacker, new byte[4000]);
            }
            awaitAllSettled(scraper);
            int held = 0;
            int refused = 0;
            for (RawClient attacker : attackers.all()) {
                if (attacker.socket().getInputStream().available() == 0) {
                    held++;
                } else {
                    ErrorResponse error = attacker.expectErrorThenClose(ErrorCode.SERVER_OVERLOADED);
                    assertEquals("pre-auth buffer budget", error.getDetails());
                    refused++;
                }
            }
            assertTrue(refused > 0, "the budget is reached");
            assertTrue(held * (8L + 4000) <= BUDGET_BYTES, "more held than the budget: " + held);
            assertEquals(refused, scraper.value(BUDGET_REFUSALS));
            assertTrue(scraper.value(BUFFERED) <= BUDGET_BYTES);
            assertEquals(held, scraper.value(UNAUTHENTICATED));

            attackers.close();
            try (RawClient fresh = RawClient.connectFrom("127.0.0.11", server.tickAddress())) {
                fresh.authenticate();
                fresh.subscribe(SubscribeRequest.newBuilder().setMode(SubscriptionMode.SECOND).build());
                assertEquals(FrameType.ACK.code(), fresh.read().type());
                assertTrue(fresh.read().batch().getIsSnapshot());
            }
            scraper.await(UNAUTHENTICATED, 0);
            scraper.await(BUFFERED, 0);

            subscriber.heartbeat(1);
            assertEquals("", stream.get(60, TimeUnit.SECONDS), "the subscriber's stream");
        } finally {
            threads.shutdownNow();
        }
    }

    /** Waits (bounded) until every partial-frame connection is either held (unauthenticated) or refused. */
    private static void awaitAllSettled(MetricsScraper scraper) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        double settled = 0;
        while (System.nanoTime() - deadline < 0) {
            settled = scraper.value(UNAUTHENTICATED) + scraper.value(BUDGET_REFUSALS);
            if (settled == ATTACKERS) {
                // Refused connections have their ERROR in flight; give it the time of one more scrape to land.
                Thread.sleep(200);
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("connections held + refused: " + settled + " of " + ATTACKERS);
    }

    /** Writes, ignoring a connection the server has closed already (it may refuse before reading everything). */
    private static void send(RawClient client, byte[] bytes) {
        try {
            client.sendRaw(bytes);
        } catch (IOException closedByServer) {
            // Answered below.
        }
    }

    /** The ERROR the connection got, then its close. */
    private static ErrorCode answer(RawClient attacker) throws IOException {
        Received frame = attacker.read();
        assertEquals(FrameType.ERROR.code(), frame.type(), () -> "an attacker got " + frame);
        attacker.expectClosed();
        return frame.as(ErrorResponse.class).getCode();
    }

    /** Reads the subscriber's stream until a PONG; returns "" or what went wrong (a gap, an ERROR, a close). */
    private static final class GapCheck implements java.util.concurrent.Callable<String> {
        private final RawClient subscriber;

        GapCheck(RawClient subscriber) {
            this.subscriber = subscriber;
        }

        @Override
        public String call() throws Exception {
            long previous = -1;
            long batches = 0;
            while (true) {
                Received frame = subscriber.read();
                if (frame.type() == FrameType.PONG.code()) {
                    return batches > 10 ? "" : "only " + batches + " batches";
                }
                if (frame.type() != FrameType.DATA_BATCH.code()) {
                    return "unexpected " + frame;
                }
                DataBatch batch = frame.batch();
                if (previous >= 0 && batch.getBatchSequence() != previous + 1) {
                    return "gap: " + previous + " then " + batch.getBatchSequence();
                }
                previous = batch.getBatchSequence();
                batches++;
            }
        }
    }
}

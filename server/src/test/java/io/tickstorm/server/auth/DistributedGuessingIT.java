package io.tickstorm.server.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tickstorm.protocol.FrameType;
import io.tickstorm.protocol.proto.ErrorResponse;
import io.tickstorm.server.TickServer;
import io.tickstorm.server.testing.RawClient;
import io.tickstorm.server.testing.TestServers;
import java.io.EOFException;
import java.io.IOException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 12 item 7: a guessing campaign spread over a few dozen addresses, each sending concurrent AUTHs (enough to
 * fill the hash queue), half of them at the user's password and half at other usernames (which no account budget
 * stops), while the user keeps logging in from the address it always uses. Its logins each need a slow
 * hash (the verification cache is off) and must all succeed: the campaign's overload answers count against its
 * addresses, its failures against the account for strangers only, and the user's verified address goes first.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DistributedGuessingIT {

    private static final int ATTACKER_ADDRESSES = 30;
    private static final int CONNECTIONS_PER_ADDRESS = 4;
    private static final long ATTACK_MILLIS = 8_000;
    private static final String USER_ADDRESS = "127.0.5.1";

    @Test
    void theUserKeepsLoggingInFromItsAddressWhileStrangersGuess() throws Exception {
        // A modest connection cap leaves a large descriptor reserve: the attackers' sockets live in this JVM too.
        try (TickServer server = TestServers.start(Map.of("tick-storm.auth.cache-ttl", "0",
                "tick-storm.auth.hash-queue-size", 32, "tick-storm.limits.max-connections", 2000))) {
            assertEquals("ACK", login(server), "the user's first login, before the campaign");
            Map<String, AtomicInteger> attackerAnswers = new ConcurrentHashMap<>();
            Map<String, AtomicInteger> userAnswers = new ConcurrentHashMap<>();
            ExecutorService threads = Executors.newFixedThreadPool(ATTACKER_ADDRESSES + 1);
            try {
                long endNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ATTACK_MILLIS);
                List<Future<?>> tasks = new ArrayList<>();
                for (int a = 1; a <= ATTACKER_ADDRESSES; a++) {
                    String source = "127.0.6." + a;
                    tasks.add(threads.submit(() -> guess(server, source, endNanos, attackerAnswers)));
                }
                tasks.add(threads.submit(() -> {
                    Thread.sleep(500);
                    while (System.nanoTime() - endNanos < 0) {
                        userAnswers.computeIfAbsent(login(server), k -> new AtomicInteger()).incrementAndGet();
                        Thread.sleep(200);
                    }
                    return null;
                }));
                for (Future<?> task : tasks) {
                    task.get(60, TimeUnit.SECONDS);
                }
            } finally {
                threads.shutdownNow();
            }
            System.out.printf("DistributedGuessingIT: %d addresses x %d concurrent guesses for %d ms: attackers got %s;"
                    + " the user's logins from its address got %s%n", ATTACKER_ADDRESSES, CONNECTIONS_PER_ADDRESS,
                    ATTACK_MILLIS, attackerAnswers, userAnswers);

            int userLogins = userAnswers.values().stream().mapToInt(AtomicInteger::get).sum();
            assertTrue(userLogins >= 5, "the user tried " + userLogins + " times");
            assertEquals(Map.of("ACK", userLogins), Map.of("ACK", userAnswers.getOrDefault("ACK",
                    new AtomicInteger()).get()), () -> "every login of the user succeeds: " + userAnswers);
        }
    }

    /** One AUTH with the right password from the user's address: "ACK" or the ERROR code's name. */
    private static String login(TickServer server) throws IOException {
        try (RawClient client = RawClient.connectFrom(USER_ADDRESS, server.tickAddress())) {
            client.auth(TestServers.USER, TestServers.PASSWORD);
            return answer(client);
        }
    }

    private static Void guess(TickServer server, String source, long endNanos, Map<String, AtomicInteger> answers)
            throws Exception {
        int round = 0;
        while (System.nanoTime() - endNanos < 0) {
            List<RawClient> clients = new ArrayList<>();
            try {
                for (int i = 0; i < CONNECTIONS_PER_ADDRESS; i++) {
                    RawClient client = RawClient.connectFrom(source, server.tickAddress());
                    clients.add(client);
                    String user = source.endsWith("0") || source.charAt(source.length() - 1) % 2 == 0
                            ? TestServers.USER : "user-" + round + "-" + i;
                    client.auth(user, "guess-" + source + "-" + round + "-" + i);
                }
                for (RawClient client : clients) {
                    answers.computeIfAbsent(answer(client).replaceAll("\\(.*", ""), k -> new AtomicInteger())
                            .incrementAndGet();
                }
            } finally {
                for (RawClient client : clients) {
                    client.close();
                }
            }
            round++;
            Thread.sleep(200);
        }
        return null;
    }

    /** "ACK", the ERROR code with its details, or what happened instead of an answer. */
    private static String answer(RawClient client) throws IOException {
        RawClient.Received frame;
        try {
            frame = client.read();
        } catch (SocketTimeoutException e) {
            return "no answer within " + RawClient.READ_TIMEOUT_MS + " ms";
        } catch (EOFException | SocketException e) {
            return "closed without an answer";
        }
        if (frame.type() == FrameType.ACK.code()) {
            return "ACK";
        }
        ErrorResponse error = frame.as(ErrorResponse.class);
        return error.getCode().name() + (error.getDetails().isEmpty() ? "" : "(" + error.getDetails() + ")");
    }
}

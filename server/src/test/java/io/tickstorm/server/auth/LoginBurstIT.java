package io.tickstorm.server.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tickstorm.protocol.FrameType;
import io.tickstorm.protocol.proto.ErrorCode;
import io.tickstorm.protocol.proto.ErrorResponse;
import io.tickstorm.server.TickServer;
import io.tickstorm.server.testing.RawClient;
import io.tickstorm.server.testing.TestServers;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 12 item 4: 300 concurrent AUTHs from one address get at most the failed-login budget of passwords checked,
 * and the right password sent among them once the budget is spent is refused with ERROR 12 and the seconds left.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LoginBurstIT {

    private static final int CONNECTIONS = 300;
    private static final int BUDGET = 5;
    private static final String ATTACKER = "127.0.4.1";

    @Test
    void concurrentGuessesFromOneAddressGetAtMostTheBudgetChecked() throws Exception {
        // A modest connection cap leaves a large descriptor reserve: the attackers' sockets live in this JVM too. The
        // unauthenticated cap of one address is lifted: this test is about the login throttle behind it.
        try (TickServer server = TestServers.start(Map.of("tick-storm.auth.max-attempts", BUDGET,
                "tick-storm.auth.cache-ttl", "0", "tick-storm.limits.max-connections", 2000,
                "tick-storm.admission.max-unauthenticated-per-address", CONNECTIONS))) {
            List<RawClient> clients = new ArrayList<>();
            try {
                for (int i = 0; i < CONNECTIONS; i++) {
                    clients.add(RawClient.connectFrom(ATTACKER, server.tickAddress()));
                }
                for (int i = 0; i < CONNECTIONS - 1; i++) {
                    clients.get(i).auth(TestServers.USER, "guess-" + i);
                }
                // Once one guess is refused the budget is spent (checked or in flight): now the right password.
                Map<ErrorCode, Integer> answers = new EnumMap<>(ErrorCode.class);
                count(answers, clients.get(CONNECTIONS - 2));
                RawClient right = clients.get(CONNECTIONS - 1);
                right.auth(TestServers.USER, TestServers.PASSWORD);
                for (int i = 0; i < CONNECTIONS - 2; i++) {
                    count(answers, clients.get(i));
                }
                RawClient.Received answer = right.read();
                System.out.printf("LoginBurstIT: %d concurrent AUTHs from %s, budget %d: %s; right password: %s%n",
                        CONNECTIONS, ATTACKER, BUDGET, answers, answer);

                assertEquals(FrameType.ERROR.code(), answer.type(), () -> "the right password got " + answer);
                ErrorResponse refused = answer.as(ErrorResponse.class);
                assertEquals(ErrorCode.RATE_LIMITED, refused.getCode());
                long seconds = Long.parseLong(refused.getDetails());
                assertTrue(seconds > 0 && seconds <= 300, "seconds left in the block: " + seconds);
                int checked = answers.getOrDefault(ErrorCode.INVALID_AUTH, 0);
                assertTrue(checked >= 1 && checked <= BUDGET, "passwords checked: " + checked);
                assertEquals(CONNECTIONS - 1 - checked, answers.getOrDefault(ErrorCode.RATE_LIMITED, 0),
                        "every other guess refused unchecked");
            } finally {
                for (RawClient client : clients) {
                    client.close();
                }
            }
        }
    }

    private static void count(Map<ErrorCode, Integer> answers, RawClient client) throws Exception {
        RawClient.Received frame = client.read();
        assertEquals(FrameType.ERROR.code(), frame.type(), () -> "a guess got " + frame);
        answers.merge(frame.as(ErrorResponse.class).getCode(), 1, Integer::sum);
    }
}

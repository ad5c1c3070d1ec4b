package io.tickstorm.server.measure;

import io.tickstorm.server.TickServer;
import io.tickstorm.server.auth.Argon2idHash;
import io.tickstorm.server.auth.BcryptHash;
import io.tickstorm.server.testing.RawClient;
import io.tickstorm.server.testing.TestServers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Measurement only: AUTH round trip of an unknown user vs a bcrypt user's wrong password. */
class DecoyTimingMeasureIT {
    @TempDir
    Path dir;

    @Test
    void measure() throws Exception {
        SecureRandom random = new SecureRandom();
        Path users = dir.resolve("users");
        StringBuilder file = new StringBuilder("argonuser:" + Argon2idHash.create("a".getBytes(StandardCharsets.UTF_8),
                Argon2idHash.DEFAULT_MEMORY_KIB, Argon2idHash.DEFAULT_ITERATIONS, Argon2idHash.DEFAULT_PARALLELISM,
                random).encoded() + "\n");
        for (int i = 1; i <= 3; i++) {
            file.append("b").append(i).append(':')
                    .append(BcryptHash.create("b".getBytes(StandardCharsets.UTF_8), 12, random).encoded()).append('\n');
        }
        Files.writeString(users, file);
        try (TickServer server = TestServers.start(Map.of("tick-storm.auth.credentials-file", users.toString(),
                "tick-storm.auth.max-attempts", 100_000, "tick-storm.auth.account-max-attempts", 100_000))) {
            long[] unknown = new long[15];
            long[] bcrypt = new long[15];
            for (int i = 0; i < unknown.length; i++) {
                unknown[i] = once(server, "nobody" + i);
                bcrypt[i] = once(server, "b" + (1 + i % 3));
            }
            Arrays.sort(unknown);
            Arrays.sort(bcrypt);
            System.out.printf("MEASURE decoy: AUTH round trip median unknown user %d ms, bcrypt(12) user wrong "
                    + "password %d ms (min %d / %d)%n", unknown[7], bcrypt[7], unknown[0], bcrypt[0]);
        }
    }

    private static long once(TickServer server, String user) throws Exception {
        try (RawClient client = RawClient.connect(server.tickAddress())) {
            long t0 = System.nanoTime();
            client.auth(user, "wrong");
            client.read();
            return (System.nanoTime() - t0) / 1_000_000;
        }
    }
}

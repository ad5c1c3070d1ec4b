package io.tickstorm.bench.jmh;

import io.tickstorm.server.auth.Argon2idHash;
import io.tickstorm.server.auth.AuthCallback;
import io.tickstorm.server.auth.AuthConfig;
import io.tickstorm.server.auth.AuthReason;
import io.tickstorm.server.auth.AuthResult;
import io.tickstorm.server.auth.Authenticator;
import io.tickstorm.server.auth.BcryptHash;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Credential verification: the slow hashes at the server's default costs (Argon2id m=19456 KiB, t=2, p=1; bcrypt
 * cost 12), which a first login pays on a hash thread, and the {@link Authenticator}'s cached fast path (HMAC of the
 * credentials, cache lookup, throttle check), which every reconnect within the cache TTL pays on the event loop.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class CredentialBenchmark {

    private static final String USER = "bench";
    private static final String PASSWORD = "correct horse battery staple";
    private static final byte[] PASSWORD_UTF8 = PASSWORD.getBytes(StandardCharsets.UTF_8);
    private static final InetAddress CLIENT = InetAddress.getLoopbackAddress();

    private Argon2idHash argon2id;
    private BcryptHash bcrypt;
    private Authenticator authenticator;
    private final ResultHolder holder = new ResultHolder();

    /** Non-capturing callback: the cached path calls it on the caller's thread before authenticate returns. */
    static final class ResultHolder implements AuthCallback {
        AuthReason last;

        @Override
        public void onAuthResult(AuthResult result, AuthReason reason, long retryAfterSeconds) {
            last = reason;
        }
    }

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        SecureRandom random = new SecureRandom();
        argon2id = Argon2idHash.create(PASSWORD_UTF8, Argon2idHash.DEFAULT_MEMORY_KIB,
                Argon2idHash.DEFAULT_ITERATIONS, Argon2idHash.DEFAULT_PARALLELISM, random);
        bcrypt = BcryptHash.create(PASSWORD_UTF8, BcryptHash.DEFAULT_COST, random);
        AuthConfig config = new AuthConfig(TimeUnit.SECONDS.toNanos(10), Optional.empty(), USER, PASSWORD, 5, 20,
                TimeUnit.DAYS.toNanos(7), TimeUnit.MINUTES.toNanos(1), TimeUnit.MINUTES.toNanos(5),
                TimeUnit.HOURS.toNanos(1), 100_000, 1,
                16);
        authenticator = new Authenticator(config);
        CompletableFuture<AuthReason> first = new CompletableFuture<>();
        authenticator.authenticate(USER, PASSWORD, CLIENT, (result, reason, retry) -> first.complete(reason));
        if (first.get(30, TimeUnit.SECONDS) != AuthReason.VERIFIED) {
            throw new IllegalStateException("the warm-up login did not verify");
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        authenticator.close();
    }

    @Benchmark
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public boolean argon2idSlowHash() {
        return argon2id.matches(PASSWORD_UTF8);
    }

    @Benchmark
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public boolean bcryptSlowHash() {
        return bcrypt.matches(PASSWORD_UTF8);
    }

    @Benchmark
    public AuthReason cachedFastPath() {
        holder.last = null;
        authenticator.authenticate(USER, PASSWORD, CLIENT, holder);
        if (holder.last != AuthReason.CACHED) {
            throw new IllegalStateException("expected a cache hit, got " + holder.last);
        }
        return holder.last;
    }
}

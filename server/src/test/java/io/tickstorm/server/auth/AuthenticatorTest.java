package io.tickstorm.server.auth;

import static io.tickstorm.server.auth.PasswordHashTest.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import io.tickstorm.server.admission.LogCapture;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AuthenticatorTest {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final long SECOND = 1_000_000_000L;
    private static final InetAddress CLIENT = address("10.1.2.3");

    @TempDir
    Path dir;

    private final AtomicLong clock = new AtomicLong(1_000 * SECOND);
    private final List<Authenticator> opened = new ArrayList<>();

    @AfterEach
    void closeAuthenticators() {
        opened.forEach(Authenticator::close);
    }

    @Test
    void acceptsFileUsersWithArgon2idAndBcrypt() throws IOException {
        Authenticator auth = fromFile(3, 0, line("alice", argon("alice-pw")), line("bob", bcrypt("bob-pw")));

        assertEquals(AuthReason.VERIFIED, attempt(auth, "alice", "alice-pw"));
        assertEquals(AuthReason.VERIFIED, attempt(auth, "bob", "bob-pw"));
        assertEquals(2, auth.users());
    }

    @Test
    void unknownUserAndWrongPasswordAreBothInvalidAndBothCostAHash() throws IOException {
        Authenticator auth = fromFile(10, 0, line("alice", argon("alice-pw")));

        AuthReason unknown = attempt(auth, "mallory", "alice-pw");
        AuthReason wrong = attempt(auth, "alice", "guess");

        assertEquals(AuthReason.UNKNOWN_USER, unknown);
        assertEquals(AuthReason.BAD_PASSWORD, wrong);
        assertEquals(AuthResult.INVALID_CREDENTIALS, unknown.result());
        assertEquals(AuthResult.INVALID_CREDENTIALS, wrong.result());
        assertEquals(2, auth.counters().slowVerifications());
    }

    @Test
    void emptyCredentialsNeverAuthenticateAndCostNoHash() throws IOException {
        Authenticator auth = fromFile(10, 0, line("alice", argon("alice-pw")));

        assertEquals(AuthReason.EMPTY, attempt(auth, "", "alice-pw"));
        assertEquals(AuthReason.EMPTY, attempt(auth, "alice", ""));
        assertEquals(AuthReason.EMPTY, attempt(auth, null, null));
        assertEquals(0, auth.counters().slowVerifications());
        assertEquals(3, auth.counters().attempts(AuthReason.EMPTY));
    }

    @Test
    void blocksAnAddressAfterMaxAttemptsWithoutCheckingThePassword() throws IOException {
        Authenticator auth = fromFile(3, 0, line("alice", argon("alice-pw")));
        for (int i = 0; i < 3; i++) {
            assertEquals(AuthReason.BAD_PASSWORD, attempt(auth, "alice", "guess" + i));
        }

        assertEquals(AuthReason.RATE_LIMITED, attempt(auth, "alice", "alice-pw"));
        assertEquals(3, auth.counters().slowVerifications());
        assertEquals(AuthReason.VERIFIED, attempt(auth, "alice", "alice-pw", address("10.1.2.4")));

        clock.addAndGet(300 * SECOND);
        assertEquals(AuthReason.VERIFIED, attempt(auth, "alice", "alice-pw"));
    }

    @Test
    void failuresOutsideTheWindowDoNotAddUp() throws IOException {
        Authenticator auth = fromFile(3, 0, line("alice", argon("alice-pw")));
        attempt(auth, "alice", "guess1");
        attempt(auth, "alice", "guess2");
        clock.addAndGet(60 * SECOND);
        attempt(auth, "alice", "guess3");
        attempt(auth, "alice", "guess4");

        assertEquals(AuthReason.VERIFIED, attempt(auth, "alice", "alice-pw"));
    }

    @Test
    void successfulLoginsNeverCountAgainstTheBudget() throws IOException {
        Authenticator auth = fromFile(3, 0, line("alice", argon("alice-pw")));
        for (int i = 0; i < 10; i++) {
            assertEquals(AuthResult.SUCCESS, attempt(auth, "alice", "alice-pw").result());
        }
        attempt(auth, "alice", "guess1");
        attempt(auth, "alice", "guess2");

        assertEquals(AuthResult.SUCCESS, attempt(auth, "alice", "alice-pw").result());
        assertEquals(1, auth.trackedSources());
    }

    @Test
    void throttlesIpv6ByItsSlash64() throws IOException {
        Authenticator auth = fromFile(2, 0, line("alice", argon("alice-pw")));
        attempt(auth, "alice", "guess1", address("2001:db8:1:2::1"));
        attempt(auth, "alice", "guess2", address("2001:db8:1:2:ffff::9"));

        assertEquals(AuthReason.RATE_LIMITED, attempt(auth, "alice", "alice-pw", address("2001:db8:1:2::77")));
        assertEquals(AuthReason.VERIFIED, attempt(auth, "alice", "alice-pw", address("2001:db8:1:3::1")));
    }

    @Test
    void aCachedVerificationCostsNoSecondHash() throws IOException {
        Authenticator auth = fromFile(3, 100, line("alice", argon("alice-pw")));

        assertEquals(AuthReason.VERIFIED, attempt(auth, "alice", "alice-pw"));
        assertEquals(AuthReason.CACHED, attempt(auth, "alice", "alice-pw", address("10.9.9.9")));
        assertEquals(AuthReason.CACHED, attempt(auth, "alice", "alice-pw"));
        assertEquals(1, auth.counters().slowVerifications());
        assertEquals(2, auth.counters().cacheHits());
        assertEquals(AuthReason.BAD_PASSWORD, attempt(auth, "alice", "alice-pX"));

        clock.addAndGet(600 * SECOND);
        assertEquals(AuthReason.VERIFIED, attempt(auth, "alice", "alice-pw"));
    }

    @Test
    void cacheHoldsHmacKeysNotPasswords() throws IOException {
        Authenticator auth = fromFile(3, 100, line("alice", argon("alice-pw")));
        attempt(auth, "alice", "alice-pw");

        VerificationCache.CredentialDigest[] keys = auth.cache().keys();
        assertEquals(1, keys.length);
        assertFalse(new String(keys[0].bytes(), StandardCharsets.ISO_8859_1).contains("alice"));
        assertEquals(32, keys[0].bytes().length);
    }

    @Test
    void reloadReplacesUsersAndInvalidatesOnlyChangedOnesCache() throws IOException {
        String bob = line("bob", argon("bob-pw"));
        Authenticator auth = fromFile(10, 100, line("alice", argon("old-pw")), bob);
        attempt(auth, "alice", "old-pw");
        attempt(auth, "bob", "bob-pw");
        assertFalse(auth.reload());

        write(line("alice", argon("new-pw")), bob, line("carol", argon("carol-pw")));

        assertTrue(auth.reload());
        assertEquals(3, auth.users());
        assertEquals(AuthReason.BAD_PASSWORD, attempt(auth, "alice", "old-pw"));
        assertEquals(AuthReason.VERIFIED, attempt(auth, "alice", "new-pw"));
        assertEquals(AuthReason.CACHED, attempt(auth, "bob", "bob-pw"));
        assertEquals(AuthReason.VERIFIED, attempt(auth, "carol", "carol-pw"));

        write(bob);
        assertTrue(auth.reload());
        assertEquals(AuthReason.UNKNOWN_USER, attempt(auth, "alice", "new-pw"));
        assertEquals(2, auth.counters().reloads());
    }

    @Test
    void aMalformedReloadKeepsTheOldCredentialsAndIsReportedOnce() throws IOException {
        Authenticator auth = fromFile(10, 100, line("alice", argon("alice-pw")));

        write(line("alice", argon("alice-pw")), "bob");

        CredentialsFileException e = assertThrows(CredentialsFileException.class, auth::reload);
        assertTrue(e.getMessage().contains(", line 2: "), e.getMessage());
        assertFalse(auth.reload());
        assertEquals(1, auth.counters().reloadFailures());
        assertEquals(AuthReason.VERIFIED, attempt(auth, "alice", "alice-pw"));
    }

    @Test
    void aVanishedFileKeepsTheOldCredentialsAndIsReportedOnce() throws IOException {
        Authenticator auth = fromFile(10, 100, line("alice", argon("alice-pw")));

        Files.delete(dir.resolve("users"));

        CredentialsFileException e = assertThrows(CredentialsFileException.class, auth::reload);
        assertTrue(e.getMessage().startsWith("cannot read credentials file "), e.getMessage());
        assertFalse(auth.reload());
        assertEquals(AuthReason.VERIFIED, attempt(auth, "alice", "alice-pw"));
        write(line("bob", argon("bob-pw")));
        assertTrue(auth.reload());
        assertEquals(AuthReason.VERIFIED, attempt(auth, "bob", "bob-pw"));
    }

    @Test
    void aMalformedFileStopsStartup() throws IOException {
        write("# users", "alice " + argon("pw"));

        CredentialsFileException e = assertThrows(CredentialsFileException.class, () -> fromConfig(config(
                Optional.of(dir.resolve("users")), "", "", 3, 0, 1, 10)));
        assertTrue(e.getMessage().contains("users, line 2: expected username:hash"), e.getMessage());
    }

    @Test
    void acceptsThePlainConfigUserAlongsideTheFile() throws IOException {
        write(line("alice", argon("alice-pw")));
        Authenticator auth = fromConfig(config(Optional.of(dir.resolve("users")), "stream", "stream-pw", 3, 0, 1, 10));

        assertEquals(AuthReason.VERIFIED, attempt(auth, "stream", "stream-pw"));
        assertEquals(AuthReason.BAD_PASSWORD, attempt(auth, "stream", "stream-pX"));
        assertEquals(AuthReason.VERIFIED, attempt(auth, "alice", "alice-pw"));
        assertEquals(2, auth.users());
    }

    @Test
    void acceptsThePlainConfigUserAlone() {
        Authenticator auth = fromConfig(config(Optional.empty(), "stream", "stream-pw", 3, 0, 1, 10));

        assertEquals(AuthReason.VERIFIED, attempt(auth, "stream", "stream-pw"));
        assertEquals(AuthReason.UNKNOWN_USER, attempt(auth, "nobody", "stream-pw"));
        assertFalse(auth.reload());
    }

    @Test
    void refusesAPlainUserThatTheFileAlsoDefines() throws IOException {
        write(line("stream", argon("x")));

        CredentialsFileException e = assertThrows(CredentialsFileException.class, () -> fromConfig(
                config(Optional.of(dir.resolve("users")), "stream", "stream-pw", 3, 0, 1, 10)));
        assertTrue(e.getMessage().contains("'stream' is also defined"), e.getMessage());
    }

    @Test
    void answersSlowVerificationsOnAHashThread() {
        BlockingHash hash = new BlockingHash();
        Authenticator auth = withStore(config(Optional.empty(), "", "", 10, 0, 1, 10), hash);
        Recorder slow = new Recorder();

        auth.authenticate("u", "p", CLIENT, slow);
        hash.awaitStarted(1);
        hash.release();

        assertEquals(AuthReason.BAD_PASSWORD, slow.await());
        assertTrue(slow.thread.startsWith("tick-storm-auth-hash-"), slow.thread);
    }

    @Test
    void answersCacheHitsOnTheCallersThread() throws IOException {
        Authenticator auth = fromFile(3, 100, line("alice", argon("alice-pw")));
        attempt(auth, "alice", "alice-pw");
        Recorder cached = new Recorder();

        auth.authenticate("alice", "alice-pw", CLIENT, cached);

        assertTrue(cached.result.isDone());
        assertEquals(AuthReason.CACHED, cached.await());
        assertEquals(Thread.currentThread().getName(), cached.thread);
    }

    @Test
    void refusesWithBusyWhenTheHashQueueIsFull() {
        BlockingHash hash = new BlockingHash();
        Authenticator auth = withStore(config(Optional.empty(), "", "", 10, 0, 1, 1), hash);
        Recorder running = new Recorder();
        Recorder queued = new Recorder();
        Recorder refused = new Recorder();

        auth.authenticate("u", "p1", CLIENT, running);
        hash.awaitStarted(1);
        auth.authenticate("u", "p2", CLIENT, queued);
        auth.authenticate("u", "p3", CLIENT, refused);

        assertTrue(refused.result.isDone());
        assertEquals(AuthReason.BUSY, refused.await());
        assertEquals(1, auth.queuedVerifications());
        hash.release();
        assertEquals(AuthReason.BAD_PASSWORD, running.await());
        assertEquals(AuthReason.BAD_PASSWORD, queued.await());
        assertEquals(1, auth.trackedSources());
    }

    @Test
    void runsAtMostHashThreadsVerificationsAtOnce() {
        BlockingHash hash = new BlockingHash();
        Authenticator auth = withStore(config(Optional.empty(), "", "", 100, 0, 2, 100), hash);
        List<Recorder> attempts = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            Recorder recorder = new Recorder();
            attempts.add(recorder);
            auth.authenticate("u", "p" + i, address("10.0.0." + i), recorder);
        }

        hash.awaitStarted(2);
        assertEquals(2, hash.active.get());
        assertEquals(6, auth.queuedVerifications());
        hash.release();
        for (Recorder recorder : attempts) {
            assertEquals(AuthReason.BAD_PASSWORD, recorder.await());
        }
        assertEquals(2, hash.maxActive.get());
        assertEquals(8, auth.counters().slowVerifications());
    }

    @Test
    void skipsQueuedVerificationsWhoseAttemptsOutlivedTheAuthTimeout() {
        BlockingHash hash = new BlockingHash();
        Authenticator auth = withStore(config(Optional.empty(), "", "", 100, 0, 1, 10), hash);
        Recorder running = new Recorder();
        Recorder stale = new Recorder();
        auth.authenticate("u", "p1", CLIENT, running);
        hash.awaitStarted(1);
        auth.authenticate("u", "p2", CLIENT, stale);

        clock.addAndGet(10 * SECOND);
        hash.release();

        assertEquals(AuthReason.BAD_PASSWORD, running.await());
        assertEquals(AuthReason.BUSY, stale.await());
        assertEquals(1, auth.counters().slowVerifications());
        assertEquals(1, auth.counters().staleVerifications());
    }

    @Test
    void identicalCredentialsInFlightShareOneHash() {
        BlockingHash hash = new BlockingHash();
        Authenticator auth = withStore(config(Optional.empty(), "", "", 100, 0, 1, 10), hash);
        Recorder first = new Recorder();
        auth.authenticate("u", "same", address("10.0.1.1"), first);
        hash.awaitStarted(1);
        List<Recorder> storm = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            Recorder recorder = new Recorder();
            storm.add(recorder);
            auth.authenticate("u", "same", address("10.0.2." + i), recorder);
        }

        hash.release();
        first.await();
        for (Recorder recorder : storm) {
            assertEquals(AuthReason.BAD_PASSWORD, recorder.await());
        }
        assertEquals(1, auth.counters().slowVerifications());
        assertEquals(20, auth.counters().coalescedVerifications());
        assertEquals(21, auth.trackedSources());
    }

    @Test
    void closeAnswersQueuedAttemptsWithBusy() {
        BlockingHash hash = new BlockingHash();
        Authenticator auth = withStore(config(Optional.empty(), "", "", 100, 0, 1, 10), hash);
        Recorder running = new Recorder();
        Recorder queued = new Recorder();
        auth.authenticate("u", "p1", CLIENT, running);
        hash.awaitStarted(1);
        auth.authenticate("u", "p2", CLIENT, queued);

        CompletableFuture<Void> closing = CompletableFuture.runAsync(auth::close);

        assertEquals(AuthReason.BUSY, queued.await());
        hash.release();
        assertEquals(AuthReason.BAD_PASSWORD, running.await());
        closing.join();
        assertEquals(AuthReason.BUSY, attempt(auth, "u", "p3"));
    }

    @Test
    void aThrowingHashIsReportedAsError() {
        PasswordHash broken = new BlockingHash() {
            @Override
            public boolean matches(byte[] passwordUtf8) {
                throw new IllegalStateException("boom");
            }
        };
        Authenticator auth = withStore(config(Optional.empty(), "", "", 100, 0, 1, 10), broken);

        assertEquals(AuthReason.ERROR, attempt(auth, "u", "p"));
        assertEquals(0, auth.trackedSources());
    }

    @Test
    void concurrentAttemptsBeyondTheBudgetAreRefusedUncheckedWhileChecksAreInFlight() {
        GateHash hash = new GateHash("right");
        Authenticator auth = withStore(config(Optional.empty(), "", "", 3, 0, 1, 100), hash);
        List<Recorder> burst = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            Recorder recorder = new Recorder();
            burst.add(recorder);
            auth.authenticate("u", "guess" + i, CLIENT, recorder);
        }
        Recorder right = new Recorder();
        auth.authenticate("u", "right", CLIENT, right);

        assertEquals(47, burst.stream().filter(r -> r.result.isDone()).count(), "answered at once, unchecked");
        assertEquals(AuthReason.RATE_LIMITED, right.await(), "three checks in flight hold the whole budget");
        assertEquals(10, right.retryAfterSeconds, "they end within the auth timeout");
        hash.permits.release(100);
        for (Recorder recorder : burst) {
            recorder.await();
        }
        assertEquals(3, burst.stream().filter(r -> r.await() == AuthReason.BAD_PASSWORD).count());
        assertEquals(3, hash.checked.size());
        assertEquals(3, auth.counters().slowVerifications());

        clock.addAndGet(100 * SECOND);
        Recorder blocked = new Recorder();
        auth.authenticate("u", "right", CLIENT, blocked);
        assertEquals(AuthReason.RATE_LIMITED, blocked.await());
        assertEquals(200, blocked.retryAfterSeconds, "the ERROR 12 details: seconds left in the block");
        assertEquals(3, hash.checked.size());
    }

    @Test
    void aReconnectStormOfIdenticalCredentialsFromOneAddressSharesOneCheckAndOneReservation() {
        GateHash hash = new GateHash("right");
        Authenticator auth = withStore(config(Optional.empty(), "", "", 3, 0, 1, 100), hash);
        List<Recorder> storm = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            Recorder recorder = new Recorder();
            storm.add(recorder);
            auth.authenticate("u", "right", CLIENT, recorder);
        }
        hash.permits.release(10);

        for (Recorder recorder : storm) {
            assertEquals(AuthReason.VERIFIED, recorder.await());
        }
        assertEquals(List.of("right"), hash.checked);
    }

    @Test
    void overloadAnswersCountAgainstTheSourceUnlessItIsKnownForTheUser() {
        GateHash hash = new GateHash("right");
        Authenticator auth = withStore(config(Optional.empty(), "", "", 3, 0, 1, 1), hash);
        InetAddress known = address("10.7.0.1");
        InetAddress other = address("10.7.0.2");
        Recorder login = new Recorder();
        auth.authenticate("u", "right", known, login);
        hash.permits.release();
        assertEquals(AuthReason.VERIFIED, login.await());
        Recorder running = new Recorder();
        auth.authenticate("u", "g1", other, running);
        hash.awaitStarted(2);
        Recorder queued = new Recorder();
        auth.authenticate("u", "g2", other, queued);
        Recorder queuedKnown = new Recorder();
        auth.authenticate("u", "k0", known, queuedKnown);

        for (int i = 0; i < 3; i++) {
            assertEquals(AuthReason.BUSY, attempt(auth, "u", "flood" + i), "normal lane full");
        }
        assertEquals(AuthReason.RATE_LIMITED, attempt(auth, "u", "flood"), "three overload answers used the budget");
        for (int i = 1; i <= 5; i++) {
            assertEquals(AuthReason.BUSY, attempt(auth, "u", "k" + i, known), "priority lane full, nothing counted");
        }

        hash.permits.release(10);
        assertEquals(AuthReason.BAD_PASSWORD, running.await());
        assertEquals(AuthReason.BAD_PASSWORD, queued.await());
        assertEquals(AuthReason.BAD_PASSWORD, queuedKnown.await());
    }

    @Test
    void verificationsForSourcesThatLoggedTheUserInAreServedFirst() {
        GateHash hash = new GateHash("right");
        Authenticator auth = withStore(config(Optional.empty(), "", "", 100, 0, 1, 100), hash);
        InetAddress known = address("10.7.0.1");
        Recorder login = new Recorder();
        auth.authenticate("u", "right", known, login);
        hash.permits.release();
        assertEquals(AuthReason.VERIFIED, login.await());

        Recorder running = new Recorder();
        auth.authenticate("u", "s0", CLIENT, running);
        hash.awaitStarted(2);
        List<Recorder> strangers = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            Recorder recorder = new Recorder();
            strangers.add(recorder);
            auth.authenticate("u", "s" + i, address("10.8.0." + i), recorder);
        }
        Recorder returning = new Recorder();
        auth.authenticate("u", "right", known, returning);
        hash.permits.release(10);

        assertEquals(AuthReason.VERIFIED, returning.await());
        strangers.forEach(Recorder::await);
        assertEquals(List.of("right", "s0", "right", "s1", "s2", "s3"), hash.checked);
    }

    @Test
    void accountBudgetStopsStrangersButNotAddressesThatLoggedTheUserIn() throws IOException {
        write(line("alice", argon("alice-pw")));
        Authenticator auth = fromConfig(config(Optional.of(dir.resolve("users")), "", "", 5, 3, 0, 1, 100));
        InetAddress home = address("10.7.0.1");
        assertEquals(AuthReason.VERIFIED, attempt(auth, "alice", "alice-pw", home));

        for (int i = 0; i < 3; i++) {
            assertEquals(AuthReason.BAD_PASSWORD, attempt(auth, "alice", "guess" + i, address("10.8.0." + i)));
        }
        Recorder stranger = new Recorder();
        auth.authenticate("alice", "alice-pw", address("10.8.1.1"), stranger);
        assertEquals(AuthReason.ACCOUNT_RATE_LIMITED, stranger.await(), "even the right password, unchecked");
        assertEquals(300, stranger.retryAfterSeconds);
        long hashes = auth.counters().slowVerifications();

        assertEquals(AuthReason.VERIFIED, attempt(auth, "alice", "alice-pw", home), "its usual address still works");
        assertEquals(AuthReason.BAD_PASSWORD, attempt(auth, "alice", "typo", home));
        assertEquals(AuthReason.VERIFIED, attempt(auth, "alice", "alice-pw", home));
        assertEquals(hashes + 3, auth.counters().slowVerifications());

        clock.addAndGet(300 * SECOND);
        assertEquals(AuthReason.VERIFIED, attempt(auth, "alice", "alice-pw", address("10.8.1.1")));
    }

    @Test
    void accountBudgetTreatsUnknownUsersLikeKnownOnes() throws IOException {
        write(line("alice", argon("alice-pw")));
        Authenticator auth = fromConfig(config(Optional.of(dir.resolve("users")), "", "", 5, 2, 0, 1, 100));
        for (String user : List.of("alice", "mallory")) {
            assertEquals(AuthResult.INVALID_CREDENTIALS, attempt(auth, user, "g1", address("10.8.0.1")).result());
            assertEquals(AuthResult.INVALID_CREDENTIALS, attempt(auth, user, "g2", address("10.8.0.2")).result());
            assertEquals(AuthReason.ACCOUNT_RATE_LIMITED, attempt(auth, user, "g3", address("10.8.0.3")), user);
        }
    }

    @Test
    void throttlesAChannelPeerByItsAddressAndIpv6PeersByTheirSlash64() throws IOException {
        Authenticator auth = fromFile(2, 0, line("alice", argon("alice-pw")));
        Recorder first = new Recorder();
        auth.authenticate("alice", "g1", new InetSocketAddress(address("2001:db8:1:2::1"), 40001), first);
        Recorder second = new Recorder();
        auth.authenticate("alice", "g2", new InetSocketAddress(address("2001:db8:1:2::2"), 40002), second);
        first.await();
        second.await();

        Recorder sameSlash64 = new Recorder();
        auth.authenticate("alice", "alice-pw", new InetSocketAddress(address("2001:db8:1:2::3"), 40003), sameSlash64);
        assertEquals(AuthReason.RATE_LIMITED, sameSlash64.await());
        Recorder otherSlash64 = new Recorder();
        auth.authenticate("alice", "alice-pw", new InetSocketAddress(address("2001:db8:1:3::3"), 40004), otherSlash64);
        assertEquals(AuthReason.VERIFIED, otherSlash64.await());
    }

    @Test
    void failedLoginsAndBlocksAreAuditedWithUserAndAddressButNeverThePassword() throws IOException {
        Authenticator auth = fromFile(2, 0, line("alice", argon("alice-pw")));
        try (LogCapture log = LogCapture.on(AuthAuditLog.class.getName())) {
            attempt(auth, "alice", "hunter2-guess");
            attempt(auth, "mallory\nFAKE ENTRY", "s3cret-guess");

            List<String> warnings = log.events().stream().filter(e -> e.getLevel() == Level.WARN)
                    .map(ILoggingEvent::getFormattedMessage).toList();
            assertTrue(warnings.contains("Failed login: user=alice from 10.1.2.3 (bad_password)"), warnings::toString);
            assertTrue(warnings.contains("Failed login: user=mallory?FAKE ENTRY from 10.1.2.3 (unknown_user)"),
                    warnings::toString);
            assertTrue(warnings.contains("Logins from 10.1.2.3 blocked for 300 s after 2 failed logins"),
                    warnings::toString);
            assertTrue(log.events().stream().noneMatch(e -> e.getFormattedMessage().contains("hunter2")
                    || e.getFormattedMessage().contains("s3cret")), "no password in any line");
        }
    }

    @Test
    void aWaveOfFailedLoginsWritesAFewLinesNotOnePerFailure() throws IOException {
        Authenticator auth = fromFile(1000, 0, line("alice", argon("alice-pw")));
        try (LogCapture log = LogCapture.on(AuthAuditLog.class.getName())) {
            long startNanos = System.nanoTime();
            for (int i = 0; i < 300; i++) {
                attempt(auth, "mallory", "guess" + i, address("10.9." + (i / 250) + "." + (i % 250)));
            }
            long tenSecondWindows = (System.nanoTime() - startNanos) / (10 * SECOND) + 1;

            long lines = log.events().stream().filter(e -> e.getLevel() == Level.WARN).count();
            assertTrue(lines >= 10 && lines <= 10 * tenSecondWindows, lines + " lines");
        }
    }

    // --- fixtures -------------------------------------------------------------------------------------------------

    private static String argon(String password) {
        return Argon2idHash.create(utf8(password), 64, 1, 1, RANDOM).encoded();
    }

    private static String bcrypt(String password) {
        return BcryptHash.create(utf8(password), 4, RANDOM).encoded();
    }

    private static String line(String user, String hash) {
        return user + ":" + hash;
    }

    private void write(String... lines) throws IOException {
        Files.writeString(dir.resolve("users"), String.join("\n", lines) + "\n");
    }

    private Authenticator fromFile(int maxAttempts, int cacheEntries, String... lines) throws IOException {
        write(lines);
        return fromConfig(config(Optional.of(dir.resolve("users")), "", "", maxAttempts, cacheEntries, 1, 100));
    }

    private Authenticator fromConfig(AuthConfig config) {
        Authenticator auth = new Authenticator(config, clock::get);
        opened.add(auth);
        return auth;
    }

    private Authenticator withStore(AuthConfig config, PasswordHash hash) {
        CredentialStore store = new CredentialStore(Map.of("u", hash), hash, new byte[0]);
        Authenticator auth = new Authenticator(config, store, clock::get);
        opened.add(auth);
        return auth;
    }

    static AuthConfig config(Optional<Path> file, String user, String password, int maxAttempts, int cacheEntries,
            int hashThreads, int hashQueue) {
        return config(file, user, password, maxAttempts, 1000, cacheEntries, hashThreads, hashQueue);
    }

    static AuthConfig config(Optional<Path> file, String user, String password, int maxAttempts,
            int accountMaxAttempts, int cacheEntries, int hashThreads, int hashQueue) {
        return new AuthConfig(10 * SECOND, file, user, password, maxAttempts, accountMaxAttempts, 86_400 * SECOND,
                60 * SECOND, 300 * SECOND, 600 * SECOND, cacheEntries, hashThreads, hashQueue);
    }

    private static AuthReason attempt(Authenticator auth, String user, String password) {
        return attempt(auth, user, password, CLIENT);
    }

    private static AuthReason attempt(Authenticator auth, String user, String password, InetAddress source) {
        Recorder recorder = new Recorder();
        auth.authenticate(user, password, source, recorder);
        return recorder.await();
    }

    private static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (IOException e) {
            throw new IllegalArgumentException(literal, e);
        }
    }

    /** Records the single callback, failing if there is a second. */
    static final class Recorder implements AuthCallback {
        final CompletableFuture<AuthReason> result = new CompletableFuture<>();
        final AtomicInteger calls = new AtomicInteger();
        volatile String thread;
        volatile long retryAfterSeconds;

        @Override
        public void onAuthResult(AuthResult authResult, AuthReason reason, long retryAfterSeconds) {
            assertEquals(reason.result(), authResult);
            assertEquals(authResult == AuthResult.RATE_LIMITED, retryAfterSeconds > 0, "retry seconds iff refused");
            this.retryAfterSeconds = retryAfterSeconds;
            thread = Thread.currentThread().getName();
            calls.incrementAndGet();
            result.complete(reason);
        }

        AuthReason await() {
            AuthReason reason = result.orTimeout(30, TimeUnit.SECONDS).join();
            assertEquals(1, calls.get());
            return reason;
        }
    }

    /** A hash that never matches and holds every verification until released, counting how many run at once. */
    static class BlockingHash implements PasswordHash {
        final AtomicInteger active = new AtomicInteger();
        final AtomicInteger maxActive = new AtomicInteger();
        final Semaphore started = new Semaphore(0);
        final CountDownLatch released = new CountDownLatch(1);

        @Override
        public boolean matches(byte[] passwordUtf8) {
            int now = active.incrementAndGet();
            maxActive.accumulateAndGet(now, Math::max);
            started.release();
            try {
                if (!released.await(30, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("test never released the hash");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            } finally {
                active.decrementAndGet();
            }
            return false;
        }

        void awaitStarted(int count) {
            try {
                assertTrue(started.tryAcquire(count, 30, TimeUnit.SECONDS));
                started.release(count);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }

        void release() {
            released.countDown();
        }

        @Override
        public PasswordHash rehash(byte[] passwordUtf8, SecureRandom random) {
            return this;
        }

        @Override
        public String encoded() {
            return "blocking";
        }

        @Override
        public String cost() {
            return "blocking";
        }
    }
    /**
     * A hash that matches one password and checks each candidate only when the test grants a permit, recording the
     * order in which it checked them.
     */
    static final class GateHash implements PasswordHash {
        final String correct;
        final Semaphore permits = new Semaphore(0);
        final Semaphore started = new Semaphore(0);
        final List<String> checked = Collections.synchronizedList(new ArrayList<>());

        GateHash(String correct) {
            this.correct = correct;
        }

        @Override
        public boolean matches(byte[] passwordUtf8) {
            started.release();
            try {
                if (!permits.tryAcquire(30, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("test never granted the check");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            String password = new String(passwordUtf8, StandardCharsets.UTF_8);
            checked.add(password);
            return password.equals(correct);
        }

        void awaitStarted(int count) {
            try {
                assertTrue(started.tryAcquire(count, 30, TimeUnit.SECONDS));
                started.release(count);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }

        @Override
        public PasswordHash rehash(byte[] passwordUtf8, SecureRandom random) {
            return this;
        }

        @Override
        public String encoded() {
            return "gate";
        }

        @Override
        public String cost() {
            return "gate";
        }
    }
}

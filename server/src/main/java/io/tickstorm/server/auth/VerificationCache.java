package io.tickstorm.server.auth;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Remembers successful verifications so that a reconnect storm of clients sharing credentials costs one slow hash,
 * not thousands. The key is HMAC-SHA256(username, password) under a random key made per instance, so neither the
 * password nor an offline-attackable digest of it is retained. The value records which stored hash was verified:
 * a hit requires that the user's current hash is still that one, so a changed user (reload) misses at once.
 *
 * <p>Bounded to {@code maxEntries}, oldest first out; an entry lives {@code ttlNanos}. The map is guarded by this
 * object's monitor (one short O(1) operation per AUTH); the HMAC is computed outside it.
 */
final class VerificationCache {

    private static final int KEY_BYTES = 32;
    private static final int EXPIRED_SWEEP_PER_PUT = 2;

    private final long ttlNanos;
    private final int maxEntries;
    private final ThreadLocal<Mac> macs;
    /** Insertion-ordered: the head expires first. Guarded by {@code this}. */
    private final LinkedHashMap<CredentialDigest, Verified> entries = new LinkedHashMap<>();

    VerificationCache(long ttlNanos, int maxEntries, SecureRandom random) {
        this.ttlNanos = ttlNanos;
        this.maxEntries = maxEntries;
        byte[] keyBytes = new byte[KEY_BYTES];
        random.nextBytes(keyBytes);
        SecretKeySpec key = new SecretKeySpec(keyBytes, "HmacSHA256");
        // Mac is not thread-safe; callers are a fixed set of event-loop and hash threads.
        this.macs = ThreadLocal.withInitial(() -> newMac(key));
    }

    /** False when configured off ({@code cache-ttl = 0} or {@code cache-max-entries = 0}). */
    boolean enabled() {
        return ttlNanos > 0 && maxEntries > 0;
    }

    /** The cache key of these credentials; the username is length-prefixed so no two pairs share an input. */
    CredentialDigest digest(String username, String password) {
        byte[] user = username.getBytes(StandardCharsets.UTF_8);
        Mac mac = macs.get();
        mac.update(ByteBuffer.allocate(Integer.BYTES).putInt(0, user.length).array());
        mac.update(user);
        mac.update(password.getBytes(StandardCharsets.UTF_8));
        return new CredentialDigest(mac.doFinal());
    }

    /** True if these credentials were verified against {@code current} within the TTL. */
    synchronized boolean hit(CredentialDigest digest, PasswordHash current, long nowNanos) {
        Verified verified = entries.get(digest);
        if (verified == null) {
            return false;
        }
        if (verified.expiresAtNanos - nowNanos <= 0 || !verified.hash.equals(current)) {
            entries.remove(digest);
            return false;
        }
        return true;
    }

    /** Remembers that these credentials match {@code verified}. */
    synchronized void put(CredentialDigest digest, PasswordHash verified, long nowNanos) {
        if (!enabled()) {
            return;
        }
        Iterator<Map.Entry<CredentialDigest, Verified>> it = entries.entrySet().iterator();
        for (int i = 0; i < EXPIRED_SWEEP_PER_PUT && it.hasNext(); i++) {
            if (it.next().getValue().expiresAtNanos - nowNanos <= 0) {
                it.remove();
            }
        }
        // Remove first so a refreshed entry moves to the young end.
        entries.remove(digest);
        if (entries.size() >= maxEntries) {
            Iterator<Verified> oldest = entries.values().iterator();
            oldest.next();
            oldest.remove();
        }
        entries.put(digest, new Verified(verified, nowNanos + ttlNanos));
    }

    synchronized int size() {
        return entries.size();
    }

    /** Snapshot of the keys, for tests that check no password is retained. */
    synchronized CredentialDigest[] keys() {
        return entries.keySet().toArray(new CredentialDigest[0]);
    }

    private static Mac newMac(SecretKeySpec key) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is required of every Java platform", e);
        }
    }

    /** A 32-byte HMAC, compared in constant time. */
    static final class CredentialDigest {
        private final byte[] bytes;
        private final int hash;

        CredentialDigest(byte[] bytes) {
            this.bytes = bytes;
            this.hash = Arrays.hashCode(bytes);
        }

        byte[] bytes() {
            return bytes.clone();
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof CredentialDigest that && MessageDigest.isEqual(bytes, that.bytes);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }

    private record Verified(PasswordHash hash, long expiresAtNanos) {
    }
}

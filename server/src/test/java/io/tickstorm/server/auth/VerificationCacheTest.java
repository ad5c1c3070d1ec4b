package io.tickstorm.server.auth;

import static io.tickstorm.server.auth.PasswordHashTest.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

class VerificationCacheTest {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final long TTL = 1_000;
    private static final PasswordHash HASH = Argon2idHash.create(utf8("pw"), 64, 1, 1, RANDOM);

    private final VerificationCache cache = new VerificationCache(TTL, 3, RANDOM);

    @Test
    void keysAreHmacsNotPasswords() {
        VerificationCache.CredentialDigest digest = cache.digest("alice", "correct horse");
        cache.put(digest, HASH, 0);

        byte[] key = cache.keys()[0].bytes();
        assertEquals(32, key.length);
        String asText = new String(key, StandardCharsets.ISO_8859_1);
        assertFalse(asText.contains("correct"));
        assertEquals(digest, cache.digest("alice", "correct horse"));
        assertNotEquals(digest, cache.digest("alice", "correct horsf"));
        // The username is length-prefixed: ("ab", "c") and ("a", "bc") never share a key.
        assertNotEquals(cache.digest("ab", "c"), cache.digest("a", "bc"));
        // Another process (another key) derives other digests from the same credentials.
        assertNotEquals(digest, new VerificationCache(TTL, 3, RANDOM).digest("alice", "correct horse"));
    }

    @Test
    void hitsUntilTheTtlEnds() {
        VerificationCache.CredentialDigest digest = cache.digest("alice", "pw");
        cache.put(digest, HASH, 100);

        assertTrue(cache.hit(digest, HASH, 100 + TTL - 1));
        assertFalse(cache.hit(digest, HASH, 100 + TTL));
        assertEquals(0, cache.size());
    }

    @Test
    void missesOnceTheStoredHashChanged() {
        VerificationCache.CredentialDigest digest = cache.digest("alice", "pw");
        cache.put(digest, HASH, 0);

        assertTrue(cache.hit(digest, PasswordHash.parse(HASH.encoded()), 1));
        assertFalse(cache.hit(digest, HASH.rehash(utf8("pw"), RANDOM), 1));
        assertFalse(cache.hit(digest, HASH, 1));
    }

    @Test
    void holdsAtMostMaxEntriesDroppingTheOldest() {
        for (int i = 0; i < 5; i++) {
            cache.put(cache.digest("u" + i, "pw"), HASH, i);
        }

        assertEquals(3, cache.size());
        assertFalse(cache.hit(cache.digest("u0", "pw"), HASH, 5));
        assertFalse(cache.hit(cache.digest("u1", "pw"), HASH, 5));
        assertTrue(cache.hit(cache.digest("u4", "pw"), HASH, 5));
    }

    @Test
    void storesNothingWhenDisabled() {
        VerificationCache off = new VerificationCache(0, 10, RANDOM);
        off.put(off.digest("a", "b"), HASH, 0);

        assertFalse(off.enabled());
        assertEquals(0, off.size());
    }
}

package io.tickstorm.server.auth;

import java.security.SecureRandom;

/**
 * A stored password hash that can check a candidate password in constant time. Implementations are immutable and
 * thread-safe; equality is that of the encoded string, so an unchanged line of a reloaded file yields an equal hash
 * (and keeps its cached verifications). {@link #toString()} never reveals the salt or the hash.
 */
public interface PasswordHash {

    /**
     * Derives the hash of {@code passwordUtf8} with this hash's parameters and salt and compares it with the stored
     * value using {@link java.security.MessageDigest#isEqual}. Slow by design: never call it on an event loop.
     */
    boolean matches(byte[] passwordUtf8);

    /**
     * A new hash of {@code passwordUtf8} with the same algorithm and cost as this one and a fresh random salt. Used
     * for the decoy that unknown users are checked against, so they cost as much as a wrong password.
     */
    PasswordHash rehash(byte[] passwordUtf8, SecureRandom random);

    /** The string form, as in the credentials file. */
    String encoded();

    /** Algorithm and cost, without salt or hash, e.g. {@code argon2id(m=19456,t=2,p=1)}; safe to log. */
    String cost();

    /**
     * Parses an Argon2id PHC string ({@code $argon2id$v=19$m=...,t=...,p=...$salt$hash}) or a bcrypt string
     * ({@code $2a$}, {@code $2b$}, {@code $2y$}).
     *
     * @throws IllegalArgumentException with a message that never contains the hash
     */
    static PasswordHash parse(String encoded) {
        if (encoded.startsWith(Argon2idHash.PREFIX)) {
            return Argon2idHash.parse(encoded);
        }
        if (BcryptHash.looksLikeBcrypt(encoded)) {
            return BcryptHash.parse(encoded);
        }
        throw new IllegalArgumentException("unsupported hash format (expected $argon2id$ or $2a$/$2b$/$2y$)");
    }
}

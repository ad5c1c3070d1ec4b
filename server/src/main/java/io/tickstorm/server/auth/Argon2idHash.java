package io.tickstorm.server.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * An Argon2id (version 0x13) hash in PHC string form: {@code $argon2id$v=19$m=<KiB>,t=<passes>,p=<lanes>$<salt>$<hash>}
 * with salt and hash in unpadded standard Base64, computed with BouncyCastle's {@link Argon2BytesGenerator}.
 */
public final class Argon2idHash implements PasswordHash {

    static final String PREFIX = "$argon2id$";

    /** Default memory cost for new hashes: 19 MiB, the OWASP minimum recommendation for Argon2id (with t=2, p=1). */
    public static final int DEFAULT_MEMORY_KIB = 19_456;
    /** Default number of passes for new hashes. */
    public static final int DEFAULT_ITERATIONS = 2;
    /** Default parallelism (lanes) for new hashes; BouncyCastle computes lanes on one thread. */
    public static final int DEFAULT_PARALLELISM = 1;

    static final int SALT_BYTES = 16;
    static final int HASH_BYTES = 32;

    /** Upper bound on the memory cost accepted from a file: each hash thread allocates this much while hashing. */
    static final int MAX_MEMORY_KIB = 1 << 20;
    private static final int MAX_ITERATIONS = 1_000;
    private static final int MAX_PARALLELISM = 255;
    private static final int MIN_SALT_BYTES = 8;
    private static final int MIN_HASH_BYTES = 4;
    private static final int MAX_HASH_BYTES = 1_024;

    private final int memoryKib;
    private final int iterations;
    private final int parallelism;
    private final byte[] salt;
    private final byte[] hash;
    private final String encoded;

    private Argon2idHash(int memoryKib, int iterations, int parallelism, byte[] salt, byte[] hash) {
        this.memoryKib = memoryKib;
        this.iterations = iterations;
        this.parallelism = parallelism;
        this.salt = salt;
        this.hash = hash;
        Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
        this.encoded = PREFIX + "v=19$m=" + memoryKib + ",t=" + iterations + ",p=" + parallelism + "$"
                + b64.encodeToString(salt) + "$" + b64.encodeToString(hash);
    }

    /**
     * Hashes {@code passwordUtf8} with a fresh 16-byte salt into a 32-byte Argon2id hash.
     *
     * @throws IllegalArgumentException if a cost parameter is out of range
     */
    public static Argon2idHash create(byte[] passwordUtf8, int memoryKib, int iterations, int parallelism,
            SecureRandom random) {
        checkCost(memoryKib, iterations, parallelism);
        byte[] salt = new byte[SALT_BYTES];
        random.nextBytes(salt);
        return new Argon2idHash(memoryKib, iterations, parallelism, salt,
                derive(passwordUtf8, salt, memoryKib, iterations, parallelism, HASH_BYTES));
    }

    /** Parses a PHC string; the exception message never contains the salt or hash. */
    static Argon2idHash parse(String encoded) {
        // "", "argon2id", "v=19", "m=..,t=..,p=..", salt, hash
        String[] parts = encoded.split("\\$", -1);
        if (parts.length != 6 || !parts[0].isEmpty()) {
            throw new IllegalArgumentException("argon2id: expected $argon2id$v=19$m=..,t=..,p=..$salt$hash");
        }
        if (!"v=19".equals(parts[2])) {
            throw new IllegalArgumentException("argon2id: only version v=19 is supported");
        }
        String[] params = parts[3].split(",", -1);
        if (params.length != 3) {
            throw new IllegalArgumentException("argon2id: expected parameters m=..,t=..,p=.. in that order");
        }
        int memoryKib = parameter(params[0], "m");
        int iterations = parameter(params[1], "t");
        int parallelism = parameter(params[2], "p");
        checkCost(memoryKib, iterations, parallelism);
        byte[] salt = base64(parts[4], "salt");
        byte[] hash = base64(parts[5], "hash");
        if (salt.length < MIN_SALT_BYTES) {
            throw new IllegalArgumentException("argon2id: salt shorter than " + MIN_SALT_BYTES + " bytes");
        }
        if (hash.length < MIN_HASH_BYTES || hash.length > MAX_HASH_BYTES) {
            throw new IllegalArgumentException(
                    "argon2id: hash length must be " + MIN_HASH_BYTES + ".." + MAX_HASH_BYTES + " bytes");
        }
        return new Argon2idHash(memoryKib, iterations, parallelism, salt, hash);
    }

    @Override
    public boolean matches(byte[] passwordUtf8) {
        byte[] derived = derive(passwordUtf8, salt, memoryKib, iterations, parallelism, hash.length);
        return MessageDigest.isEqual(derived, hash);
    }

    @Override
    public PasswordHash rehash(byte[] passwordUtf8, SecureRandom random) {
        byte[] freshSalt = new byte[salt.length];
        random.nextBytes(freshSalt);
        return new Argon2idHash(memoryKib, iterations, parallelism, freshSalt,
                derive(passwordUtf8, freshSalt, memoryKib, iterations, parallelism, hash.length));
    }

    @Override
    public String encoded() {
        return encoded;
    }

    @Override
    public String cost() {
        return "argon2id(m=" + memoryKib + ",t=" + iterations + ",p=" + parallelism + ")";
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Argon2idHash that && encoded.equals(that.encoded);
    }

    @Override
    public int hashCode() {
        return encoded.hashCode();
    }

    @Override
    public String toString() {
        return cost();
    }

    static byte[] derive(byte[] passwordUtf8, byte[] salt, int memoryKib, int iterations, int parallelism,
            int hashBytes) {
        Argon2Parameters params = new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                .withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withMemoryAsKB(memoryKib)
                .withIterations(iterations)
                .withParallelism(parallelism)
                .withSalt(salt)
                .build();
        Argon2BytesGenerator generator = new Argon2BytesGenerator();
        generator.init(params);
        byte[] out = new byte[hashBytes];
        generator.generateBytes(passwordUtf8, out);
        return out;
    }

    private static void checkCost(int memoryKib, int iterations, int parallelism) {
        if (parallelism < 1 || parallelism > MAX_PARALLELISM) {
            throw new IllegalArgumentException("argon2id: p must be 1.." + MAX_PARALLELISM);
        }
        if (memoryKib < 8 * parallelism || memoryKib > MAX_MEMORY_KIB) {
            throw new IllegalArgumentException("argon2id: m must be 8*p.." + MAX_MEMORY_KIB + " KiB");
        }
        if (iterations < 1 || iterations > MAX_ITERATIONS) {
            throw new IllegalArgumentException("argon2id: t must be 1.." + MAX_ITERATIONS);
        }
    }

    private static int parameter(String assignment, String name) {
        String prefix = name + "=";
        if (!assignment.startsWith(prefix)) {
            throw new IllegalArgumentException("argon2id: expected parameters m=..,t=..,p=.. in that order");
        }
        String digits = assignment.substring(prefix.length());
        if (digits.isEmpty() || digits.length() > 10 || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException("argon2id: " + name + " must be a decimal number");
        }
        long value = Long.parseLong(digits);
        if (value > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("argon2id: " + name + " is too large");
        }
        return (int) value;
    }

    private static byte[] base64(String text, String what) {
        if (text.isEmpty() || text.indexOf('=') >= 0) {
            throw new IllegalArgumentException("argon2id: " + what + " must be non-empty unpadded Base64");
        }
        try {
            return Base64.getDecoder().decode(text.getBytes(StandardCharsets.US_ASCII));
        } catch (IllegalArgumentException e) {
            // The decoder's message quotes the offending character; ours names only the field.
            throw new IllegalArgumentException("argon2id: " + what + " is not valid Base64");
        }
    }
}

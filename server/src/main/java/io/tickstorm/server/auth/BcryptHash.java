package io.tickstorm.server.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;

/**
 * A bcrypt hash in the OpenBSD form {@code $2b$<cost>$<22 salt chars><31 hash chars>} (also {@code $2a$} and
 * {@code $2y$}), computed with BouncyCastle's {@link OpenBSDBCrypt}. Verification regenerates the whole string from
 * the candidate password and the stored salt and compares the two with {@link MessageDigest#isEqual}. bcrypt reads
 * at most the first 72 bytes of a password.
 */
public final class BcryptHash implements PasswordHash {

    /** Cost (log2 rounds) of hashes made by {@code hash-password --bcrypt}. */
    public static final int DEFAULT_COST = 12;

    /** bcrypt ignores password bytes past this many. */
    static final int MAX_PASSWORD_BYTES = 72;

    private static final int ENCODED_LENGTH = 60;
    private static final int SALT_BYTES = 16;
    private static final int SALT_CHARS = 22;
    private static final int MIN_COST = 4;
    private static final int MAX_COST = 31;
    private static final String BCRYPT_ALPHABET = "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private static final String BASE64_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    private final String version;
    private final int cost;
    private final byte[] salt;
    private final String encoded;
    private final byte[] encodedBytes;

    private BcryptHash(String version, int cost, byte[] salt, String encoded) {
        this.version = version;
        this.cost = cost;
        this.salt = salt;
        this.encoded = encoded;
        this.encodedBytes = encoded.getBytes(StandardCharsets.US_ASCII);
    }

    /** Hashes {@code passwordUtf8} as {@code $2b$} with a fresh random salt. */
    public static BcryptHash create(byte[] passwordUtf8, int cost, SecureRandom random) {
        if (cost < MIN_COST || cost > MAX_COST) {
            throw new IllegalArgumentException("bcrypt: cost must be " + MIN_COST + ".." + MAX_COST);
        }
        byte[] salt = new byte[SALT_BYTES];
        random.nextBytes(salt);
        return new BcryptHash("2b", cost, salt, OpenBSDBCrypt.generate("2b", passwordUtf8, salt, cost));
    }

    static boolean looksLikeBcrypt(String encoded) {
        return encoded.startsWith("$2a$") || encoded.startsWith("$2b$") || encoded.startsWith("$2y$");
    }

    /** Parses a bcrypt string; the exception message never contains the salt or hash. */
    static BcryptHash parse(String encoded) {
        if (!looksLikeBcrypt(encoded) || encoded.length() != ENCODED_LENGTH || encoded.charAt(6) != '$') {
            throw new IllegalArgumentException("bcrypt: expected $2b$<cost>$ followed by 53 characters");
        }
        String version = encoded.substring(1, 3);
        char tens = encoded.charAt(4);
        char units = encoded.charAt(5);
        if (tens < '0' || tens > '9' || units < '0' || units > '9') {
            throw new IllegalArgumentException("bcrypt: cost must be two decimal digits");
        }
        int cost = (tens - '0') * 10 + (units - '0');
        if (cost < MIN_COST || cost > MAX_COST) {
            throw new IllegalArgumentException("bcrypt: cost must be " + MIN_COST + ".." + MAX_COST);
        }
        for (int i = 7; i < ENCODED_LENGTH; i++) {
            if (BCRYPT_ALPHABET.indexOf(encoded.charAt(i)) < 0) {
                throw new IllegalArgumentException("bcrypt: salt and hash must use the bcrypt Base64 alphabet");
            }
        }
        byte[] salt = decodeSalt(encoded.substring(7, 7 + SALT_CHARS));
        return new BcryptHash(version, cost, salt, encoded);
    }

    @Override
    public boolean matches(byte[] passwordUtf8) {
        String derived = OpenBSDBCrypt.generate(version, passwordUtf8, salt, cost);
        return MessageDigest.isEqual(derived.getBytes(StandardCharsets.US_ASCII), encodedBytes);
    }

    @Override
    public PasswordHash rehash(byte[] passwordUtf8, SecureRandom random) {
        byte[] freshSalt = new byte[SALT_BYTES];
        random.nextBytes(freshSalt);
        return new BcryptHash(version, cost, freshSalt, OpenBSDBCrypt.generate(version, passwordUtf8, freshSalt, cost));
    }

    @Override
    public String encoded() {
        return encoded;
    }

    @Override
    public String cost() {
        return "bcrypt(" + version + ",cost=" + cost + ")";
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof BcryptHash that && encoded.equals(that.encoded);
    }

    @Override
    public int hashCode() {
        return encoded.hashCode();
    }

    @Override
    public String toString() {
        return cost();
    }

    /**
     * bcrypt's Base64 is the standard one over a different alphabet: translate and decode. 22 characters carry 132
     * bits for 16 bytes; a salt whose 4 spare bits are not zero would never verify (the regenerated string encodes
     * them as zero), so it is rejected here rather than failing every login.
     */
    private static byte[] decodeSalt(String saltChars) {
        StringBuilder standard = new StringBuilder(SALT_CHARS);
        for (int i = 0; i < SALT_CHARS; i++) {
            standard.append(BASE64_ALPHABET.charAt(BCRYPT_ALPHABET.indexOf(saltChars.charAt(i))));
        }
        byte[] salt = Base64.getDecoder().decode(standard.toString());
        String canonical = Base64.getEncoder().withoutPadding().encodeToString(salt);
        if (salt.length != SALT_BYTES || !canonical.contentEquals(standard)) {
            throw new IllegalArgumentException("bcrypt: salt is not canonically encoded");
        }
        return salt;
    }
}

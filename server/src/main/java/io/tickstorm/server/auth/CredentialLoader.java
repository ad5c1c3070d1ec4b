package io.tickstorm.server.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Builds {@link CredentialStore} snapshots from the credentials file and the plain config user.
 *
 * <p>The plain user is hashed once, at the first load, with Argon2id at the cost of the file's first Argon2id entry
 * (or the defaults), so that it, file users and unknown users all cost the same to check and it can share the
 * verification cache. The decoy for unknown users mirrors the cost of the file's first entry (else the plain user's);
 * a reload only recomputes it when that cost changes, so a reload normally costs no hash at all.
 */
final class CredentialLoader {

    private static final int DECOY_SECRET_BYTES = 32;

    private final Optional<Path> file;
    private final String plainUsername;
    private final byte[] plainPassword;
    private final SecureRandom random;
    private PasswordHash plainHash;
    /** Digest of the last content a reload rejected, so a broken file is reported once, not at every poll. */
    private byte[] rejectedDigest = new byte[0];
    /** Whether the last reload could not read the file; reported once until a read succeeds again. */
    private boolean readFailing;

    CredentialLoader(AuthConfig config, SecureRandom random) {
        this.file = config.credentialsFile();
        this.plainUsername = config.username();
        this.plainPassword = config.password().getBytes(StandardCharsets.UTF_8);
        this.random = random;
    }

    /**
     * Loads the first snapshot.
     *
     * @throws CredentialsFileException if the file is unreadable or malformed, or defines the plain user again
     */
    synchronized CredentialStore initial() {
        byte[] content = file.map(CredentialLoader::read).orElse(new byte[0]);
        Map<String, PasswordHash> fileUsers = parse(content);
        if (!plainUsername.isEmpty()) {
            Argon2idHash template = fileUsers.values().stream()
                    .filter(Argon2idHash.class::isInstance)
                    .map(Argon2idHash.class::cast)
                    .findFirst()
                    .orElse(null);
            plainHash = template != null
                    ? template.rehash(plainPassword, random)
                    : Argon2idHash.create(plainPassword, Argon2idHash.DEFAULT_MEMORY_KIB,
                            Argon2idHash.DEFAULT_ITERATIONS, Argon2idHash.DEFAULT_PARALLELISM, random);
        }
        return build(fileUsers, content, null);
    }

    /**
     * Re-reads the file; returns a new snapshot if its content changed, else empty. Call it off the event loops:
     * it reads a file and, when the cost of the first entry changed, computes one hash.
     *
     * @throws CredentialsFileException if the file is unreadable or malformed (the caller keeps {@code current});
     *     the same malformed content, or a file that stays unreadable, is reported once; later calls return empty
     *     until that changes
     */
    synchronized Optional<CredentialStore> reload(CredentialStore current) {
        if (file.isEmpty()) {
            return Optional.empty();
        }
        byte[] content;
        try {
            content = read(file.get());
            readFailing = false;
        } catch (CredentialsFileException e) {
            if (readFailing) {
                return Optional.empty();
            }
            readFailing = true;
            throw e;
        }
        byte[] digest = sha256(content);
        if (current.loadedFrom(digest) || MessageDigest.isEqual(digest, rejectedDigest)) {
            return Optional.empty();
        }
        try {
            return Optional.of(build(parse(content), content, current.decoy()));
        } catch (CredentialsFileException e) {
            rejectedDigest = digest;
            throw e;
        }
    }

    private Map<String, PasswordHash> parse(byte[] content) {
        return file.isEmpty() ? Map.of() : CredentialsFile.parse(file.get().toString(), content);
    }

    private CredentialStore build(Map<String, PasswordHash> fileUsers, byte[] content, PasswordHash previousDecoy) {
        Map<String, PasswordHash> users = new LinkedHashMap<>(fileUsers);
        if (plainHash != null && users.putIfAbsent(plainUsername, plainHash) != null) {
            throw new CredentialsFileException("tick-storm.auth.username '" + plainUsername
                    + "' is also defined in credentials file " + file.map(Path::toString).orElse(""));
        }
        PasswordHash template = users.isEmpty() ? null : users.values().iterator().next();
        PasswordHash decoy;
        if (template == null) {
            decoy = previousDecoy != null ? previousDecoy : Argon2idHash.create(randomSecret(),
                    Argon2idHash.DEFAULT_MEMORY_KIB, Argon2idHash.DEFAULT_ITERATIONS,
                    Argon2idHash.DEFAULT_PARALLELISM, random);
        } else if (previousDecoy != null && previousDecoy.cost().equals(template.cost())) {
            decoy = previousDecoy;
        } else {
            decoy = template.rehash(randomSecret(), random);
        }
        return new CredentialStore(users, decoy, sha256(content));
    }

    private byte[] randomSecret() {
        byte[] secret = new byte[DECOY_SECRET_BYTES];
        random.nextBytes(secret);
        return secret;
    }

    private static byte[] read(Path path) {
        try {
            return Files.readAllBytes(path);
        } catch (IOException e) {
            throw new CredentialsFileException("cannot read credentials file " + path + ": " + e, e);
        }
    }

    private static byte[] sha256(byte[] content) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(content);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }
}

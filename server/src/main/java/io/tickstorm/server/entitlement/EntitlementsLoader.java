package io.tickstorm.server.entitlement;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Map;
import java.util.Optional;

/**
 * Builds {@link Entitlements} snapshots from the entitlements file, and on reload only when its content changed (a
 * SHA-256 of the bytes, as the credentials loader does): a poll of an unchanged file costs one read and one digest.
 * A broken or unreadable file is reported once, not at every poll, and the previous snapshot stays in force.
 */
final class EntitlementsLoader {

    private final Optional<Path> file;
    private final SymbolPatterns fallback;
    /** Digest of the last content a reload rejected. */
    private byte[] rejectedDigest = new byte[0];
    /** Whether the last reload could not read the file. */
    private boolean readFailing;

    EntitlementsLoader(EntitlementsConfig config) {
        this.file = config.file();
        this.fallback = config.fallback().patterns();
    }

    /**
     * The first snapshot.
     *
     * @throws EntitlementsFileException if the file is unreadable or malformed
     */
    synchronized Entitlements initial() {
        if (file.isEmpty()) {
            return new Entitlements(Map.of(), fallback, new byte[0]);
        }
        byte[] content = read(file.get());
        return new Entitlements(EntitlementsFile.parse(file.get().toString(), content), fallback, sha256(content));
    }

    /**
     * Re-reads the file: a new snapshot if its content changed, else empty. Off the event loops (it reads a file).
     *
     * @throws EntitlementsFileException if the file is unreadable or malformed (the caller keeps {@code current}); the
     *     same bad content, or a file that stays unreadable, is reported once
     */
    synchronized Optional<Entitlements> reload(Entitlements current) {
        if (file.isEmpty()) {
            return Optional.empty();
        }
        byte[] content;
        try {
            content = read(file.get());
            readFailing = false;
        } catch (EntitlementsFileException e) {
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
            return Optional.of(new Entitlements(EntitlementsFile.parse(file.get().toString(), content), fallback,
                    digest));
        } catch (EntitlementsFileException e) {
            rejectedDigest = digest;
            throw e;
        }
    }

    private static byte[] read(Path path) {
        try {
            return Files.readAllBytes(path);
        } catch (IOException e) {
            throw new EntitlementsFileException("cannot read entitlements file " + path + ": " + e, e);
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

package io.tickstorm.server.entitlement;

import io.tickstorm.server.reload.PolledFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Builds {@link Entitlements} snapshots from the entitlements file, and on reload only when its content changed (a
 * SHA-256 of the bytes, as the credentials loader does): a poll of an unchanged file costs one read and one digest.
 * A broken or unreadable file is reported once, not at every poll, and the previous snapshot stays in force.
 */
final class EntitlementsLoader {

    private final Optional<PolledFile> file;
    private final SymbolPatterns fallback;

    EntitlementsLoader(EntitlementsConfig config) {
        this.file = config.file().map(path -> new PolledFile(path, EntitlementsLoader::read));
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
        byte[] content = file.get().read();
        return snapshot(content, PolledFile.sha256(content));
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
        return file.get().reload(current::loadedFrom, this::snapshot);
    }

    private Entitlements snapshot(byte[] content, byte[] digest) {
        return new Entitlements(EntitlementsFile.parse(file.orElseThrow().path().toString(), content), fallback,
                digest);
    }

    private static byte[] read(Path path) {
        try {
            return Files.readAllBytes(path);
        } catch (IOException e) {
            throw new EntitlementsFileException("cannot read entitlements file " + path + ": " + e, e);
        }
    }
}

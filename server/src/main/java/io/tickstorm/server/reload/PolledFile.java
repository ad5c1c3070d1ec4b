package io.tickstorm.server.reload;

import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * A file the server re-reads by polling (credentials, entitlements). A reload yields a new snapshot only when the
 * content changed, judged by a SHA-256 of the bytes, so a poll of an unchanged file costs one read and one digest.
 * A file that cannot be read, or content that was rejected, is reported once (its exception thrown once), not at
 * every poll; the caller keeps the snapshot in force meanwhile. Callers reload under their own lock.
 */
public final class PolledFile {

    /** Reads the file, throwing the caller's own unchecked exception when it cannot. */
    @FunctionalInterface
    public interface Reader {
        byte[] read(Path path);
    }

    /** Builds a snapshot from the content and its digest, throwing the caller's own exception when it is bad. */
    @FunctionalInterface
    public interface Parser<T> {
        T parse(byte[] content, byte[] digest);
    }

    private final Path path;
    private final Reader reader;
    /** Digest of the last content a reload rejected. */
    private byte[] rejectedDigest = new byte[0];
    /** Whether the last reload could not read the file. */
    private boolean readFailing;

    public PolledFile(Path path, Reader reader) {
        this.path = path;
        this.reader = reader;
    }

    public Path path() {
        return path;
    }

    /** The content now (the first snapshot): whatever the reader throws, it throws. */
    public byte[] read() {
        return reader.read(path);
    }

    /**
     * A new snapshot if the content changed since {@code loadedFrom}'s, else empty.
     *
     * @param loadedFrom whether the snapshot in force was built from content with this digest
     */
    public <T> Optional<T> reload(Predicate<byte[]> loadedFrom, Parser<T> parser) {
        byte[] content;
        try {
            content = reader.read(path);
            readFailing = false;
        } catch (RuntimeException e) {
            if (readFailing) {
                return Optional.empty();
            }
            readFailing = true;
            throw e;
        }
        byte[] digest = sha256(content);
        if (loadedFrom.test(digest) || MessageDigest.isEqual(digest, rejectedDigest)) {
            return Optional.empty();
        }
        try {
            return Optional.of(parser.parse(content, digest));
        } catch (RuntimeException e) {
            rejectedDigest = digest;
            throw e;
        }
    }

    public static byte[] sha256(byte[] content) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(content);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }
}

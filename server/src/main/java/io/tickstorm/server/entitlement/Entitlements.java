package io.tickstorm.server.entitlement;

import java.security.MessageDigest;
import java.util.Map;

/**
 * One immutable snapshot of every user's entitlements, swapped whole on reload, so a SUBSCRIBE on an event loop
 * reads it without a lock. A user without an entry gets the default ({@code ENTITLEMENTS_DEFAULT}: every symbol,
 * or none).
 */
public final class Entitlements {

    private final Map<String, SymbolPatterns> users;
    private final SymbolPatterns fallback;
    private final byte[] fileDigest;

    /**
     * @param users      each listed user's patterns (equal sets may be one object)
     * @param fallback   what a user without an entry gets
     * @param fileDigest SHA-256 of the file as loaded, empty without a file
     */
    Entitlements(Map<String, SymbolPatterns> users, SymbolPatterns fallback, byte[] fileDigest) {
        this.users = Map.copyOf(users);
        this.fallback = fallback;
        this.fileDigest = fileDigest.clone();
    }

    /** The symbols {@code username} may subscribe to. */
    public SymbolPatterns of(String username) {
        SymbolPatterns patterns = username == null ? null : users.get(username);
        return patterns != null ? patterns : fallback;
    }

    /** Users with an entry. */
    public int users() {
        return users.size();
    }

    /** What a user without an entry gets. */
    public SymbolPatterns fallback() {
        return fallback;
    }

    boolean loadedFrom(byte[] digest) {
        return MessageDigest.isEqual(fileDigest, digest);
    }
}

package io.tickstorm.server.auth;

import java.security.MessageDigest;
import java.util.Map;

/**
 * One immutable snapshot of the known users, swapped whole on reload, so a lookup on an event loop needs no lock.
 * Also holds the decoy hash that unknown users are checked against.
 */
final class CredentialStore {

    private final Map<String, PasswordHash> users;
    private final PasswordHash decoy;
    private final byte[] fileDigest;

    /**
     * @param users      every user, file and plain, unmodifiable
     * @param decoy      a hash with the same cost as the users' (of a random secret)
     * @param fileDigest SHA-256 of the credentials file as loaded, empty without a file
     */
    CredentialStore(Map<String, PasswordHash> users, PasswordHash decoy, byte[] fileDigest) {
        this.users = Map.copyOf(users);
        this.decoy = decoy;
        this.fileDigest = fileDigest.clone();
    }

    /** The user's stored hash, or null for an unknown user. */
    PasswordHash lookup(String username) {
        return users.get(username);
    }

    PasswordHash decoy() {
        return decoy;
    }

    int size() {
        return users.size();
    }

    boolean loadedFrom(byte[] digest) {
        return MessageDigest.isEqual(fileDigest, digest);
    }
}

package io.tickstorm.server.auth;

import io.tickstorm.server.reload.PolledFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds {@link CredentialStore} snapshots from the credentials file and the plain config user.
 *
 * <p>Unknown users are checked against a decoy hash so that they cost what a configured user costs (no username
 * enumeration by timing, issue 12 item 10). The decoy takes the dominant cost of the configured users: the algorithm
 * and parameters most of them share (on a tie, the one met first in the file). A file whose users have different
 * costs is reported at WARN when loaded, naming the users that differ from the decoy, since their logins can be told
 * apart from an unknown user's by timing until they are rehashed at the dominant cost. The plain user is hashed once,
 * at the first load, with the file's dominant algorithm and cost (or Argon2id defaults), so that it costs the same
 * and can share the verification cache. A reload only recomputes the decoy when the dominant cost changes, so a
 * reload normally costs no hash at all.
 */
final class CredentialLoader {

    private static final Logger LOG = LoggerFactory.getLogger(CredentialLoader.class);
    /** Users named in the mixed-cost warning at most (the count says how many more). */
    private static final int MAX_NAMED_USERS = 10;

    private static final int DECOY_SECRET_BYTES = 32;

    private final Optional<PolledFile> file;
    private final String plainUsername;
    private final byte[] plainPassword;
    private final SecureRandom random;
    private PasswordHash plainHash;

    CredentialLoader(AuthConfig config, SecureRandom random) {
        this.file = config.credentialsFile().map(path -> new PolledFile(path, CredentialLoader::read));
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
        byte[] content = file.map(PolledFile::read).orElse(new byte[0]);
        Map<String, PasswordHash> fileUsers = parse(content);
        if (!plainUsername.isEmpty()) {
            PasswordHash template = dominant(fileUsers);
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
        return file.get().reload(current::loadedFrom,
                (content, digest) -> build(parse(content), content, current.decoy()));
    }

    private Map<String, PasswordHash> parse(byte[] content) {
        return file.isEmpty() ? Map.of() : CredentialsFile.parse(file.get().path().toString(), content);
    }

    private CredentialStore build(Map<String, PasswordHash> fileUsers, byte[] content, PasswordHash previousDecoy) {
        Map<String, PasswordHash> users = new LinkedHashMap<>(fileUsers);
        if (plainHash != null && users.putIfAbsent(plainUsername, plainHash) != null) {
            throw new CredentialsFileException("tick-storm.auth.username '" + plainUsername
                    + "' is also defined in credentials file " + file.map(polled -> polled.path().toString()).orElse(""));
        }
        PasswordHash template = dominant(users);
        if (template != null) {
            reportMixedCosts(users, template);
        }
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
        return new CredentialStore(users, decoy, PolledFile.sha256(content));
    }

    /** A hash with the cost most users share (the first met on a tie), or null without users. */
    static PasswordHash dominant(Map<String, PasswordHash> users) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        Map<String, PasswordHash> firstOfCost = new LinkedHashMap<>();
        for (PasswordHash hash : users.values()) {
            counts.merge(hash.cost(), 1, Integer::sum);
            firstOfCost.putIfAbsent(hash.cost(), hash);
        }
        String best = null;
        for (Map.Entry<String, Integer> entry : counts.entrySet()) {
            if (best == null || entry.getValue() > counts.get(best)) {
                best = entry.getKey();
            }
        }
        return best == null ? null : firstOfCost.get(best);
    }

    private static void reportMixedCosts(Map<String, PasswordHash> users, PasswordHash decoyTemplate) {
        String decoyCost = decoyTemplate.cost();
        List<String> different = new ArrayList<>();
        for (Map.Entry<String, PasswordHash> user : users.entrySet()) {
            if (!user.getValue().cost().equals(decoyCost)) {
                different.add(user.getKey());
            }
        }
        if (different.isEmpty()) {
            return;
        }
        Map<String, Long> histogram = users.values().stream()
                .collect(Collectors.groupingBy(PasswordHash::cost, LinkedHashMap::new, Collectors.counting()));
        String named = String.join(", ", different.subList(0, Math.min(MAX_NAMED_USERS, different.size())))
                + (different.size() > MAX_NAMED_USERS ? " and " + (different.size() - MAX_NAMED_USERS) + " more" : "");
        LOG.warn("Credentials use {} different hash costs {}; unknown users are checked at the most common one, {}, so "
                + "the login time of {} user(s) ({}) tells them apart from unknown users: rehash them at that cost "
                + "(hash-password)", histogram.size(), histogram, decoyCost, different.size(), named);
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
}

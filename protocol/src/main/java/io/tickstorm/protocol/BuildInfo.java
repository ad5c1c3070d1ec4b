package io.tickstorm.protocol;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The version and git commit this build was made from, read once from {@code build-info.properties} (filled in by
 * Maven resource filtering: {@code project.version}, and {@code git.commit}, which the build passes as
 * {@code -Dgit.commit=$(git rev-parse --short HEAD)} and which is {@value #UNKNOWN} otherwise). Every jar's
 * {@code --version} prints {@link #versionLine(String)}, so the server, the client and the load generator all answer in
 * one format.
 *
 * @param version the Maven project version, e.g. {@code 1.0.0-SNAPSHOT}
 * @param commit the git commit id, or {@value #UNKNOWN}
 */
public record BuildInfo(String version, String commit) {

    /** What a field holds when the build did not know it. */
    public static final String UNKNOWN = "unknown";

    private static final String RESOURCE = "build-info.properties";
    private static final BuildInfo CURRENT = load();

    public BuildInfo {
        version = known(version);
        commit = known(commit);
    }

    /** This build's information. */
    public static BuildInfo current() {
        return CURRENT;
    }

    /**
     * {@code tick-storm-<component> <version> (commit <sha>)}, e.g. {@code tick-storm-server 1.0.0 (commit 1a2b3c4)}.
     */
    public String versionLine(String component) {
        return "tick-storm-" + component + " " + version + " (commit " + commit + ")";
    }

    /** A value Maven did not filter ({@code ${...}}, as when run from an IDE) counts as unknown. */
    private static String known(String value) {
        return value == null || value.isBlank() || value.startsWith("${") ? UNKNOWN : value.trim();
    }

    private static BuildInfo load() {
        Properties properties = new Properties();
        try (InputStream in = BuildInfo.class.getResourceAsStream(RESOURCE)) {
            if (in != null) {
                properties.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
        return new BuildInfo(properties.getProperty("version"), properties.getProperty("commit"));
    }
}

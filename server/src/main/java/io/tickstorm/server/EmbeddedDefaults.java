package io.tickstorm.server;

import io.tickstorm.server.tls.GeneratedCertificate;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Optional;

/**
 * What a newcomer needs to connect to a server running on its embedded defaults (a generated password, a generated
 * self-signed certificate), printed once on standard error so that standard output stays JSON log lines ({@code |
 * jq} works). The certificate is written to one stable file per tick port, {@code <java.io.tmpdir>/tick-storm-<port>
 * .crt} ({@code /tmp} in the container image), replaced on each start and deleted by {@link #close()} at shutdown.
 * The client command names the client jar where it is: beside the server jar (the container image's
 * {@code /opt/tick-storm}) or in the build tree ({@code protocol/target}).
 */
final class EmbeddedDefaults implements AutoCloseable {

    static final String CLIENT_JAR = "tick-storm-client.jar";

    private final Path certificateFile;

    private EmbeddedDefaults(Path certificateFile) {
        this.certificateFile = certificateFile;
    }

    /** Where the generated certificate of a server on {@code port} is written. */
    static Path certificateFile(Path tempDirectory, int port) {
        return tempDirectory.resolve("tick-storm-" + port + ".crt");
    }

    /**
     * Writes the certificate (if generated) and prints the banner (if anything was generated).
     *
     * @param generatedUser     the generated user, or null when credentials are configured
     * @param generatedPassword its password, or null
     * @param certificate       the generated certificate, or null when one is configured (or TLS is off)
     */
    static EmbeddedDefaults announce(PrintStream err, int port, boolean tls, String generatedUser,
            String generatedPassword, GeneratedCertificate certificate, Path tempDirectory) {
        if (generatedPassword == null && certificate == null) {
            return new EmbeddedDefaults(null);
        }
        String trust = tls ? " --insecure" : " --no-tls";
        Path written = null;
        StringBuilder banner = new StringBuilder("\n==== Tick-Storm embedded default ====\n");
        if (generatedPassword != null) {
            banner.append("No credentials configured: generated user for this run\n")
                    .append("  user:     ").append(generatedUser).append('\n')
                    .append("  password: ").append(generatedPassword).append('\n');
        }
        if (certificate != null) {
            banner.append("No TLS certificate configured: generated a self-signed one for localhost\n")
                    .append("  SHA-256 fingerprint: ").append(certificate.sha256Fingerprint()).append('\n');
            Path file = certificateFile(tempDirectory, port);
            try {
                write(file, certificate.certificatePem());
                written = file;
                banner.append("  written to: ").append(file).append(" (the client's --ca-file; deleted at shutdown)\n");
                trust = " --ca-file " + file;
            } catch (IOException e) {
                banner.append("  (could not write it to ").append(file).append(": ").append(e.getMessage())
                        .append(")\n");
            }
            banner.append(certificate.certificatePem());
        }
        banner.append("Connect: TICK_STORM_PASSWORD=<password> java -jar ").append(clientJar())
                .append(" --port ").append(port).append(trust).append(" --user ")
                .append(generatedUser != null ? generatedUser : "<user>").append(" --mode second\n")
                .append("=====================================\n");
        err.print(banner);
        err.flush();
        return new EmbeddedDefaults(written);
    }

    /** Replaces the file in one step, so a client never reads half a certificate. */
    private static void write(Path file, String pem) throws IOException {
        Path partial = file.resolveSibling(file.getFileName() + ".partial");
        Files.writeString(partial, pem, StandardCharsets.US_ASCII);
        Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** The client jar as the user can run it from the current directory, or its bare name if not found. */
    static String clientJar() {
        return clientJar(serverJarDirectory(), Path.of("").toAbsolutePath());
    }

    /**
     * The client jar beside the server jar (the image copies both to one directory) or where the build leaves it
     * ({@code protocol/target}, next to {@code server/target}): relative to {@code cwd} when below it, so a build
     * tree gives {@code protocol/target/tick-storm-client.jar}, else absolute, so the image gives
     * {@code /opt/tick-storm/tick-storm-client.jar} whatever the working directory.
     */
    static String clientJar(Optional<Path> serverJarDirectory, Path cwd) {
        List<Path> candidates = serverJarDirectory
                .map(dir -> List.of(dir.resolve(CLIENT_JAR), dir.resolve("../../protocol/target").resolve(CLIENT_JAR),
                        cwd.resolve("protocol/target").resolve(CLIENT_JAR)))
                .orElse(List.of(cwd.resolve("protocol/target").resolve(CLIENT_JAR)));
        for (Path candidate : candidates) {
            if (Files.isRegularFile(candidate)) {
                Path absolute = candidate.toAbsolutePath().normalize();
                return absolute.startsWith(cwd) && !absolute.getParent().equals(cwd)
                        ? cwd.relativize(absolute).toString() : absolute.toString();
            }
        }
        return CLIENT_JAR;
    }

    private static Optional<Path> serverJarDirectory() {
        try {
            Path location = Path.of(EmbeddedDefaults.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return Files.isRegularFile(location) ? Optional.ofNullable(location.getParent()) : Optional.empty();
        } catch (URISyntaxException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** The written certificate file, if any. */
    Optional<Path> certificate() {
        return Optional.ofNullable(certificateFile);
    }

    /** Deletes the certificate file: it describes a key that dies with this process. */
    @Override
    public void close() {
        if (certificateFile != null) {
            try {
                Files.deleteIfExists(certificateFile);
            } catch (IOException e) {
                // Shutting down: nothing better to do than say so.
                System.err.println("tick-storm: could not delete " + certificateFile + ": " + e.getMessage());
            }
        }
    }
}

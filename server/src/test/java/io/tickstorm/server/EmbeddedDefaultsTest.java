package io.tickstorm.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tickstorm.server.tls.GeneratedCertificate;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedDefaultsTest {

    @Test
    void writesTheCertificateToOneStablePathPerPortAndDeletesItOnClose(@TempDir Path tmp) throws IOException {
        GeneratedCertificate first = GeneratedCertificate.generate(Instant.now());
        GeneratedCertificate second = GeneratedCertificate.generate(Instant.now());
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream stderr = new PrintStream(err, true, StandardCharsets.UTF_8);
        Path expected = tmp.resolve("tick-storm-8443.crt");

        EmbeddedDefaults run1 = EmbeddedDefaults.announce(stderr, 8443, true, "tickstorm", "pw1", first, tmp);
        assertEquals(expected, run1.certificate().orElseThrow());
        assertEquals(first.certificatePem(), Files.readString(expected));
        // A restart replaces the file rather than leaving one per run behind.
        EmbeddedDefaults run2 = EmbeddedDefaults.announce(stderr, 8443, true, "tickstorm", "pw2", second, tmp);
        assertEquals(second.certificatePem(), Files.readString(expected));
        try (var files = Files.list(tmp)) {
            assertEquals(1, files.count());
        }
        run2.close();
        assertFalse(Files.exists(expected));
        run1.close();

        String banner = err.toString(StandardCharsets.UTF_8);
        assertTrue(banner.contains("--ca-file " + expected + " --user tickstorm"), banner);
        assertTrue(banner.contains("password: pw1"), banner);
    }

    @Test
    void theBannerGoesToTheGivenStreamOnlyWhenSomethingWasGenerated(@TempDir Path tmp) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        EmbeddedDefaults.announce(new PrintStream(err, true, StandardCharsets.UTF_8), 8080, false, null, null, null,
                tmp).close();
        assertEquals("", err.toString(StandardCharsets.UTF_8));
        EmbeddedDefaults.announce(new PrintStream(err, true, StandardCharsets.UTF_8), 8080, false, "tickstorm", "pw",
                null, tmp).close();
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("--port 8080 --no-tls --user tickstorm"));
    }

    @Test
    void theClientCommandNamesTheJarBesideTheServerJarAsInTheImage(@TempDir Path tmp) throws IOException {
        Path image = Files.createDirectories(tmp.resolve("opt/tick-storm"));
        Files.writeString(image.resolve("tick-storm-server.jar"), "");
        Files.writeString(image.resolve(EmbeddedDefaults.CLIENT_JAR), "");
        // The image's working directory is the jars' directory; the command works from anywhere in the container.
        assertEquals(image.resolve(EmbeddedDefaults.CLIENT_JAR).toString(),
                EmbeddedDefaults.clientJar(Optional.of(image), image));
    }

    @Test
    void theClientCommandNamesTheBuildTreesJarRelativeToTheCheckout(@TempDir Path tmp) throws IOException {
        Path server = Files.createDirectories(tmp.resolve("server/target"));
        Path protocol = Files.createDirectories(tmp.resolve("protocol/target"));
        Files.writeString(protocol.resolve(EmbeddedDefaults.CLIENT_JAR), "");
        assertEquals("protocol/target/" + EmbeddedDefaults.CLIENT_JAR,
                EmbeddedDefaults.clientJar(Optional.of(server), tmp));
        assertEquals(EmbeddedDefaults.CLIENT_JAR, EmbeddedDefaults.clientJar(Optional.empty(), server),
                "not found: the bare name");
    }
}

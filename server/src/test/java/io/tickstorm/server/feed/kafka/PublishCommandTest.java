package io.tickstorm.server.feed.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The publish command's usage errors, found before any connection. */
class PublishCommandTest {

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return PublishCommand.run(args, new ByteArrayInputStream(new byte[0]),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String errors() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void printsUsageOnHelp() {
        assertEquals(PublishCommand.OK, run("--help"));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("--bootstrap-servers"));
    }

    @Test
    void needsBootstrapServers() {
        assertEquals(PublishCommand.USAGE, run("ticks.ndjson"));
        assertTrue(errors().contains("--bootstrap-servers is required"), errors());
    }

    @Test
    void refusesBadOptions() {
        assertEquals(PublishCommand.USAGE, run("--bootstrap-servers", "k:9092", "ticks.txt"));
        assertTrue(errors().contains("unknown tick file extension"), errors());
        assertEquals(PublishCommand.USAGE, run("--bootstrap-servers", "k:9092", "--format", "avro"));
        assertEquals(PublishCommand.USAGE, run("--bootstrap-servers", "k:9092", "--rate", "0"));
        assertEquals(PublishCommand.USAGE, run("--bootstrap-servers", "k:9092", "--topic", "a topic"));
        assertEquals(PublishCommand.USAGE, run("--bootstrap-servers", "k:9092", "a.ndjson", "b.ndjson"));
        assertEquals(PublishCommand.USAGE, run("--bootstrap-servers"));
    }

    @Test
    void refusesPropertiesItOwns() throws Exception {
        Path file = dir.resolve("producer.properties");
        Files.writeString(file, "value.serializer=org.example.Mine\n");
        assertEquals(PublishCommand.USAGE, run("--bootstrap-servers", "k:9092", "--properties", file.toString()));
        assertTrue(errors().contains("'value.serializer'"), errors());
    }
}

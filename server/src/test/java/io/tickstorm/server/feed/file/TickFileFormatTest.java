package io.tickstorm.server.feed.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TickFileFormatTest {

    @Test
    void decidesTheFormatFromTheExtension() {
        assertEquals(TickFileFormat.NDJSON, TickFileFormat.of("ticks.ndjson"));
        assertEquals(TickFileFormat.NDJSON, TickFileFormat.of("/data/2026-01-01/ticks.jsonl"));
        assertEquals(TickFileFormat.NDJSON, TickFileFormat.of("ticks.ndjson.gz"));
        assertEquals(TickFileFormat.NDJSON, TickFileFormat.of("TICKS.JSONL.GZ"));
        assertEquals(TickFileFormat.CSV, TickFileFormat.of("ticks.csv"));
        assertEquals(TickFileFormat.CSV, TickFileFormat.of("./ticks.v2.csv.gz"));
        assertEquals(TickFileFormat.NDJSON, TickFileFormat.of(TickFileFormat.STDIN));
    }

    @Test
    void rejectsOtherExtensionsListingTheAcceptedOnes() {
        for (String name : new String[] {"ticks.json", "ticks.gz", "ticks.csv.zip", "ticks.gz.csv.txt", "ticks",
            "ticks.csv.gz.gz", ""}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TickFileFormat.of(name));
            assertTrue(e.getMessage().contains("'" + name + "'"), e.getMessage());
            assertTrue(e.getMessage().contains(".ndjson, .jsonl, .csv, each optionally followed by .gz"),
                    e.getMessage());
        }
    }

    @Test
    void gzipIsTheGzSuffix() {
        assertTrue(TickFileFormat.isGzip("ticks.csv.gz"));
        assertTrue(TickFileFormat.isGzip("ticks.ndjson.GZ"));
        assertFalse(TickFileFormat.isGzip("ticks.ndjson"));
        assertFalse(TickFileFormat.isGzip(TickFileFormat.STDIN));
    }
}

package io.tickstorm.bench.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class LoadReportTest {

    @Test
    void aSpanThatNeverEndedOrNeverStartedIsNotANegativeDuration() {
        long start = 1_765_000_000_000_000L;
        // Nothing subscribed: the merged "last subscribed" stays 0 (it printed "all in -1,765,000,000 s").
        assertEquals("n/a", LoadReport.seconds(LoadReport.spanSeconds(start, 0)));
        // Nothing started: the merged "first start" stays Long.MAX_VALUE.
        assertEquals("n/a", LoadReport.seconds(LoadReport.spanSeconds(Long.MAX_VALUE, start)));
        assertEquals("n/a", LoadReport.seconds(LoadReport.spanSeconds(start, start - 1)));
        assertEquals("n/a", LoadReport.seconds(-0.5));
        assertEquals("1.500 s", LoadReport.seconds(LoadReport.spanSeconds(start, start + 1_500_000)));
        assertEquals("0.000 s", LoadReport.seconds(LoadReport.spanSeconds(start, start)));
    }

    @Test
    void failuresAreOneRowPerReasonWithTheirCountMostFrequentFirst() {
        Map<String, Long> failures = new TreeMap<>(Map.of(
                "connect: connection refused by 127.0.0.1:8080 (is the server running and listening there?)", 9_998L,
                "io: IOException: Connection reset by peer", 2L));
        StringBuilder t = new StringBuilder();

        LoadReport.failureRows(t, "failures", failures);

        String[] lines = t.toString().split("\n");
        assertEquals(2, lines.length, t.toString());
        assertTrue(lines[0].matches("failures +9,998 x connect: connection refused by 127\\.0\\.0\\.1:8080 .*"),
                lines[0]);
        assertTrue(lines[1].matches(" +2 x io: IOException: Connection reset by peer"), lines[1]);

        StringBuilder none = new StringBuilder();
        LoadReport.failureRows(none, "failures", Map.of());
        assertTrue(none.toString().matches("failures +none\\s*"), none.toString());
    }
}

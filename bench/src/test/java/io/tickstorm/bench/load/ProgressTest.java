package io.tickstorm.bench.load;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ProgressTest {

    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    @Test
    void printsAtMostOneLinePerIntervalWithTheElapsedTime() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Progress progress = new Progress(new PrintStream(bytes, true, StandardCharsets.UTF_8), 5, 0);

        for (long s = 0; s <= 12; s++) {
            progress.maybePrint(s * SECOND, Progress.holding(s, 75));
        }

        assertEquals(List.of("[tick-storm-bench 5 s] holding: 5 of 75 s",
                "[tick-storm-bench 10 s] holding: 10 of 75 s"),
                Arrays.asList(bytes.toString(StandardCharsets.UTF_8).split("\\R")));
    }

    @Test
    void anIntervalOfZeroPrintsNothing() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Progress progress = new Progress(new PrintStream(bytes, true, StandardCharsets.UTF_8), 0, 0);

        progress.maybePrint(100 * SECOND, "x");

        assertEquals("", bytes.toString(StandardCharsets.UTF_8));
    }

    @Test
    void sumsTheWorkersReportsAndCountsRoundsFromOne() {
        assertEquals("connecting (round 2 of 2): 15,000 subscribed, 3 failed of 20,000",
                Progress.connecting(Arrays.asList(new long[] {1, 10_000, 1}, new long[] {1, 5_000, 2}, null), 2,
                        20_000));
        assertEquals("connecting (round 1 of 1): 0 subscribed, 0 failed of 10",
                Progress.connecting(Arrays.asList((long[]) null), 1, 10));
        assertEquals("holding: 75 of 75 s", Progress.holding(80, 75));
    }
}

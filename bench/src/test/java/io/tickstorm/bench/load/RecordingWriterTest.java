package io.tickstorm.bench.load;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class RecordingWriterTest {

    @Test
    void aProfileSpacesTheTicksOfEachStepEvenly() {
        long[] offsets = RecordingWriter.profileOffsetsMs("2:1,4:1");
        assertArrayEquals(new long[] {0, 500, 1_000, 1_250, 1_500, 1_750}, offsets);
    }

    @Test
    void aBurstHoldsTwiceTheTicksPerSecond() {
        long[] offsets = RecordingWriter.profileOffsetsMs("1000:2,2000:2,1000:2");
        assertEquals(8_000, offsets.length);
        assertEquals(2_000, offsets[2_000], "the burst starts after two seconds");
        assertEquals(3_999, offsets[5_999], "and holds 4,000 ticks in two seconds");
        assertEquals(4_000, offsets[6_000]);
    }
}

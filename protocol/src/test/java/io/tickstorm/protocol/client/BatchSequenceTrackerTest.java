package io.tickstorm.protocol.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class BatchSequenceTrackerTest {

    private final BatchSequenceTracker tracker = new BatchSequenceTracker();

    @Test
    void firstBatchSetsTheBaselineWhateverItsNumber() {
        assertEquals(BatchSequenceTracker.CONTINUOUS, tracker.observe(1_700_000_000L));
    }

    @Test
    void eachNextBatchMustCarryPreviousPlusOne() {
        tracker.observe(41);
        assertEquals(BatchSequenceTracker.CONTINUOUS, tracker.observe(42));
        assertEquals(BatchSequenceTracker.CONTINUOUS, tracker.observe(43));
    }

    @Test
    void reportsTheExpectedNumberWhenBatchesAreMissing() {
        tracker.observe(10);
        assertEquals(11, tracker.observe(13));
        assertEquals(BatchSequenceTracker.CONTINUOUS, tracker.observe(14), "continues from the batch seen");
    }

    @Test
    void reportsADuplicateAsAGap() {
        tracker.observe(7);
        tracker.observe(8);
        assertEquals(9, tracker.observe(8));
        assertEquals(BatchSequenceTracker.CONTINUOUS, tracker.observe(9));
    }

    @Test
    void wrapsAroundAtTheEndOfUint32() {
        tracker.observe(0xFFFF_FFFFL);
        assertEquals(BatchSequenceTracker.CONTINUOUS, tracker.observe(0));
    }
}

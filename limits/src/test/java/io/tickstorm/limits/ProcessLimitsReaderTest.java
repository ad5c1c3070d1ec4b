package io.tickstorm.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessLimitsReaderTest {

    private static OptionalLong openFiles(String tree) {
        return new ProcessLimitsReader(Fixtures.tree(tree)).openFiles();
    }

    @Test
    void readsTheSoftLimitNotTheHardOne() {
        assertEquals(OptionalLong.of(1024), openFiles("v2-nested"));
    }

    @Test
    void readsEqualSoftAndHardLimits() {
        assertEquals(OptionalLong.of(20000), openFiles("v1-hybrid-nested"));
    }

    @Test
    void unlimitedMeansNoLimit() {
        assertEquals(OptionalLong.empty(), openFiles("v2-unlimited"));
    }

    @Test
    void garbageMeansNoLimit() {
        assertEquals(OptionalLong.empty(), openFiles("v2-garbage"));
    }

    @Test
    void missingFileMeansNoLimit(@TempDir Path empty) {
        assertEquals(OptionalLong.empty(), new ProcessLimitsReader(empty).openFiles());
    }
}

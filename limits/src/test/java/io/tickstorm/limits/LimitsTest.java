package io.tickstorm.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class LimitsTest {

    private static final long MIB = 1L << 20;
    private static final JvmResources JVM = new JvmResources(256 * MIB, 0, 4);

    private static LimitsConfig config(int maxConnections, long maxOpenFiles, long maxMemoryBytes) {
        return new LimitsConfig(maxConnections, maxOpenFiles, maxMemoryBytes, 16 * 1024, 128, 128 * MIB, 0.9, 0.8,
                Duration.ofSeconds(1), Path.of("/"), Duration.ofMinutes(1));
    }

    private static CgroupLimits cgroup(long memoryBytes, double cpus) {
        return new CgroupLimits(2, OptionalLong.of(memoryBytes), 2, OptionalDouble.of(cpus));
    }

    @Test
    void directMemoryIsTheMemoryLimitLessHeapAndNativeHeadroom() {
        Limits limits = Limits.derive(cgroup(1024 * MIB, 2), OptionalLong.of(20000), JVM, config(0, 0, 0), 0);
        assertEquals(640 * MIB, limits.directMemoryBytes());
        assertEquals(Long.toString(640 * MIB), limits.nettyMaxDirectMemory());
    }

    @Test
    void warnsOfAHeapLargerThanThePlannedMemoryLimitNamingBoth() {
        JvmResources jvm = new JvmResources(2048 * MIB, 0, 4);
        Limits limits = Limits.derive(cgroup(1024 * MIB, 2), OptionalLong.empty(), jvm, config(0, 0, 0), 0);
        String warning = limits.heapAboveMemoryLimit().orElseThrow();
        assertTrue(warning.contains("2048 MiB") && warning.contains("1024 MiB"), warning);
        // The override lowers the planned limit below the heap too.
        assertTrue(Limits.derive(cgroup(4096 * MIB, 2), OptionalLong.empty(), jvm, config(0, 0, 1024 * MIB), 0)
                .heapAboveMemoryLimit().isPresent());
    }

    @Test
    void noHeapWarningWhenTheHeapFitsOrThereIsNoLimit() {
        assertTrue(Limits.derive(cgroup(1024 * MIB, 2), OptionalLong.empty(), JVM, config(0, 0, 0), 0)
                .heapAboveMemoryLimit().isEmpty());
        assertTrue(Limits.derive(CgroupLimits.NONE, OptionalLong.empty(), JVM, config(0, 0, 0), 0)
                .heapAboveMemoryLimit().isEmpty());
    }

    @Test
    void explicitJvmDirectMemoryLimitCapsTheBudget() {
        JvmResources jvm = new JvmResources(256 * MIB, 100 * MIB, 4);
        Limits limits = Limits.derive(cgroup(1024 * MIB, 2), OptionalLong.empty(), jvm, config(0, 0, 0), 0);
        assertEquals(100 * MIB, limits.directMemoryBytes());
    }

    @Test
    void withoutMemoryLimitDirectMemoryFollowsTheJdkDefault() {
        Limits limits = Limits.derive(CgroupLimits.NONE, OptionalLong.empty(), JVM, config(0, 0, 0), 0);
        assertEquals(256 * MIB, limits.directMemoryBytes());
        assertEquals(OptionalLong.empty(), limits.memoryLimitBytes());
    }

    @Test
    void directMemoryNeverDropsBelowTheFloor() {
        Limits limits = Limits.derive(cgroup(300 * MIB, 1), OptionalLong.empty(), JVM, config(0, 0, 0), 0);
        assertEquals(Limits.MIN_DIRECT_MEMORY_BYTES, limits.directMemoryBytes());
    }

    @Test
    void eventLoopsAreTheCeilingOfTheCpuQuota() {
        assertEquals(2, Limits.derive(cgroup(1024 * MIB, 1.5), OptionalLong.empty(), JVM, config(0, 0, 0), 0)
                .eventLoopThreads());
        assertEquals(1, Limits.derive(cgroup(1024 * MIB, 0.25), OptionalLong.empty(), JVM, config(0, 0, 0), 0)
                .eventLoopThreads());
    }

    @Test
    void eventLoopsNeverExceedTheProcessorsTheJvmSees() {
        Limits limits = Limits.derive(cgroup(1024 * MIB, 16), OptionalLong.empty(), JVM, config(0, 0, 0), 0);
        assertEquals(4, limits.eventLoopThreads());
        assertEquals(4.0, limits.cpus());
    }

    @Test
    void explicitEventLoopCountWins() {
        Limits limits = Limits.derive(cgroup(1024 * MIB, 1), OptionalLong.empty(), JVM, config(0, 0, 0), 8);
        assertEquals(8, limits.eventLoopThreads());
    }

    @Test
    void openFileLimitLessReserveBoundsConnections() {
        Limits limits = Limits.derive(cgroup(4096 * MIB, 2), OptionalLong.of(1024), JVM, config(0, 0, 0), 0);
        assertEquals(1024 - 128, limits.connectionCap());
        assertEquals("open-files", limits.connectionCapBound());
    }

    @Test
    void memoryBudgetOverCostBoundsConnections() {
        // heap 256 MiB + direct (1024 - 256 - 128) MiB = 896 MiB; 75 % of it over 16 KiB.
        Limits limits = Limits.derive(cgroup(1024 * MIB, 2), OptionalLong.of(1_000_000), JVM, config(0, 0, 0), 0);
        assertEquals((int) (0.75 * 896 * MIB / (16 * 1024)), limits.connectionCap());
        assertEquals("memory", limits.connectionCapBound());
    }

    @Test
    void maxConnectionsLowersTheCapButNeverRaisesIt() {
        Limits low = Limits.derive(cgroup(1024 * MIB, 2), OptionalLong.of(20000), JVM, config(50, 0, 0), 0);
        assertEquals(50, low.connectionCap());
        assertEquals("max-connections", low.connectionCapBound());
        Limits high = Limits.derive(cgroup(1024 * MIB, 2), OptionalLong.of(1024), JVM, config(100_000, 0, 0), 0);
        assertEquals(1024 - 128, high.connectionCap());
    }

    @Test
    void overridesOnlyLowerWhatTheContainerAllows() {
        Limits limits = Limits.derive(cgroup(2048 * MIB, 2), OptionalLong.of(20000), JVM,
                config(0, 65536, 1536 * MIB), 0);
        assertEquals(OptionalLong.of(20000), limits.openFilesLimit());
        assertEquals(OptionalLong.of(1536 * MIB), limits.memoryLimitBytes());
    }

    @Test
    void overridesApplyWhenNothingIsRead() {
        Limits limits = Limits.derive(CgroupLimits.NONE, OptionalLong.empty(), JVM, config(0, 4096, 1024 * MIB), 0);
        assertEquals(OptionalLong.of(4096), limits.openFilesLimit());
        assertEquals(OptionalLong.of(1024 * MIB), limits.memoryLimitBytes());
        assertEquals(4096 - 128, limits.connectionCap());
    }

    @Test
    void tinyOpenFileLimitStillAdmitsOneConnection() {
        Limits limits = Limits.derive(CgroupLimits.NONE, OptionalLong.of(64), JVM, config(0, 0, 0), 0);
        assertEquals(1, limits.connectionCap());
    }

    @Test
    void gaugesReportUnlimitedAsInfinity() {
        Limits limits = Limits.derive(CgroupLimits.NONE, OptionalLong.empty(), JVM, config(0, 0, 0), 0);
        assertEquals(Double.POSITIVE_INFINITY, limits.gauges().get("memory_bytes"));
        assertEquals(Double.POSITIVE_INFINITY, limits.gauges().get("open_files"));
        assertEquals(4.0, limits.gauges().get("cpus"));
        assertEquals((double) limits.connectionCap(), limits.gauges().get("connections"));
        assertEquals("unlimited", limits.summary().get("memory_limit_bytes"));
    }

    @Test
    void summaryNamesEveryInputAndCap() {
        Limits limits = Limits.derive(cgroup(1024 * MIB, 2), OptionalLong.of(20000), JVM, config(50, 0, 0), 0);
        assertEquals(1024 * MIB, limits.summary().get("memory_limit_bytes"));
        assertEquals(20000L, limits.summary().get("open_files_limit"));
        assertEquals(2, limits.summary().get("event_loop_threads"));
        assertEquals(50, limits.summary().get("connection_cap"));
        assertEquals("max-connections", limits.summary().get("connection_cap_bound"));
        assertEquals(640 * MIB, limits.summary().get("direct_memory_bytes"));
    }

    @Test
    void detectsFromAFixtureTree() {
        LimitsConfig config = new LimitsConfig(0, 0, 0, 16 * 1024, 128, 128 * MIB, 0.9, 0.8, Duration.ofSeconds(1),
                Fixtures.tree("v2-nested"), Duration.ofMinutes(1));
        Limits limits = Limits.detect(config, 0);
        assertEquals(OptionalLong.of(512 * MIB), limits.memoryLimitBytes());
        assertEquals(OptionalLong.of(1024), limits.openFilesLimit());
        assertEquals(1, limits.eventLoopThreads());
    }

    @Test
    void rejectsNegativeEventLoopOverride() {
        assertThrows(IllegalArgumentException.class,
                () -> Limits.derive(CgroupLimits.NONE, OptionalLong.empty(), JVM, config(0, 0, 0), -1));
    }
}

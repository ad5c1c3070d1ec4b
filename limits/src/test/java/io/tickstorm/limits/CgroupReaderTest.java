package io.tickstorm.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CgroupReaderTest {

    private static CgroupLimits read(String tree) {
        return new CgroupReader(Fixtures.tree(tree)).read();
    }

    @Test
    void v2NestedPathTakesTheSmallestLimitOnTheWayToTheMount() {
        CgroupLimits limits = read("v2-nested");
        assertEquals(2, limits.memoryVersion());
        assertEquals(OptionalLong.of(536870912L), limits.memoryLimitBytes());
        assertEquals(2, limits.cpuVersion());
        // Container says 1.5 CPUs but its pod says 1: the pod's quota is what the kernel enforces.
        assertEquals(OptionalDouble.of(1.0), limits.cpuLimit());
    }

    @Test
    void v2NamespacedCgroupIsReadAtTheMountPoint() {
        CgroupLimits limits = read("v2-namespaced");
        assertEquals(OptionalLong.of(268435456L), limits.memoryLimitBytes());
        assertEquals(OptionalDouble.of(2.5), limits.cpuLimit());
    }

    @Test
    void v2MaxMeansNoLimit() {
        CgroupLimits limits = read("v2-unlimited");
        assertEquals(2, limits.memoryVersion());
        assertEquals(OptionalLong.empty(), limits.memoryLimitBytes());
        assertEquals(OptionalDouble.empty(), limits.cpuLimit());
    }

    @Test
    void garbageValuesMeanNoLimit() {
        CgroupLimits limits = read("v2-garbage");
        assertEquals(OptionalLong.empty(), limits.memoryLimitBytes());
        assertEquals(OptionalDouble.empty(), limits.cpuLimit());
    }

    @Test
    void missingControllerFilesMeanNoLimit() {
        CgroupLimits limits = read("v2-missing");
        assertEquals(2, limits.memoryVersion());
        assertEquals(OptionalLong.empty(), limits.memoryLimitBytes());
        assertEquals(OptionalDouble.empty(), limits.cpuLimit());
    }

    @Test
    void v1DockerMountRootedAtTheContainerCgroup() {
        CgroupLimits limits = read("v1-docker");
        assertEquals(1, limits.memoryVersion());
        assertEquals(OptionalLong.of(268435456L), limits.memoryLimitBytes());
        assertEquals(1, limits.cpuVersion());
        assertEquals(OptionalDouble.of(0.5), limits.cpuLimit());
    }

    @Test
    void v1WinsOnHybridHostsAndParentLimitCapsUnlimitedChild() {
        CgroupLimits limits = read("v1-hybrid-nested");
        assertEquals(1, limits.memoryVersion());
        // Leaf and root are the 9223372036854771712 sentinel; the parent's 2 GiB applies; the unified tree is ignored.
        assertEquals(OptionalLong.of(2147483648L), limits.memoryLimitBytes());
        assertEquals(1, limits.cpuVersion());
        assertEquals(OptionalDouble.empty(), limits.cpuLimit());
    }

    @Test
    void v1UnlimitedSentinelsMeanNoLimit() {
        CgroupLimits limits = read("v1-unlimited");
        assertEquals(OptionalLong.empty(), limits.memoryLimitBytes());
        assertEquals(OptionalDouble.empty(), limits.cpuLimit());
    }

    @Test
    void decodesOctalEscapesInMountPoints() {
        assertEquals(OptionalLong.of(134217728L), read("v2-escaped").memoryLimitBytes());
    }

    @Test
    void noProcFilesMeansNoCgroupAtAll(@TempDir Path empty) {
        assertEquals(CgroupLimits.NONE, new CgroupReader(empty).read());
    }
}

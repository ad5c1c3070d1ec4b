package io.tickstorm.limits;

import java.util.Objects;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * What the process's cgroups allow, as read by {@link CgroupReader}; empty means no limit was found.
 *
 * @param memoryVersion    cgroup version the memory limit was looked up in (1, 2, or 0 when no hierarchy was found)
 * @param memoryLimitBytes the smallest memory limit on the path from the process's cgroup to the mount root
 * @param cpuVersion       cgroup version the CPU quota was looked up in (1, 2, or 0)
 * @param cpuLimit         the smallest CPU quota on that path, in CPUs (quota / period, e.g. 1.5)
 */
public record CgroupLimits(int memoryVersion, OptionalLong memoryLimitBytes, int cpuVersion, OptionalDouble cpuLimit) {

    /** No cgroup hierarchy found at all (not Linux, or no cgroup filesystem mounted). */
    public static final CgroupLimits NONE = new CgroupLimits(0, OptionalLong.empty(), 0, OptionalDouble.empty());

    public CgroupLimits {
        Objects.requireNonNull(memoryLimitBytes, "memoryLimitBytes");
        Objects.requireNonNull(cpuLimit, "cpuLimit");
    }
}

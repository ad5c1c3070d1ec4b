package io.tickstorm.limits;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.ManagementFactory;

/**
 * The JVM's own view of its resources (already container-aware on JDK 17: heap and processors follow the cgroup).
 *
 * @param maxHeapBytes          {@code Runtime.maxMemory()}
 * @param maxDirectMemoryBytes  {@code -XX:MaxDirectMemorySize} when set, else 0 (the JDK then allows as much as
 *                              the maximum heap)
 * @param availableProcessors   {@code Runtime.availableProcessors()}
 */
public record JvmResources(long maxHeapBytes, long maxDirectMemoryBytes, int availableProcessors) {

    public JvmResources {
        if (maxHeapBytes <= 0) {
            throw new IllegalArgumentException("maxHeapBytes must be positive, was " + maxHeapBytes);
        }
        if (maxDirectMemoryBytes < 0) {
            throw new IllegalArgumentException(
                    "maxDirectMemoryBytes must not be negative, was " + maxDirectMemoryBytes);
        }
        if (availableProcessors < 1) {
            throw new IllegalArgumentException("availableProcessors must be at least 1, was " + availableProcessors);
        }
    }

    /** Reads the running JVM. */
    public static JvmResources current() {
        Runtime rt = Runtime.getRuntime();
        return new JvmResources(rt.maxMemory(), explicitMaxDirectMemory(), rt.availableProcessors());
    }

    private static long explicitMaxDirectMemory() {
        HotSpotDiagnosticMXBean hotspot = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
        if (hotspot == null) {
            return 0;
        }
        return Long.parseLong(hotspot.getVMOption("MaxDirectMemorySize").getValue());
    }
}

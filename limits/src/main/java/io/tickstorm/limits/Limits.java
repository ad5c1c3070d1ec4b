package io.tickstorm.limits;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * The inputs read from the container and the JVM, and the caps derived from them; built once at startup.
 *
 * <p>Derivation (also in {@code limits/README.md}):
 * <pre>
 *   memoryLimit   = min(max-memory-bytes if set, cgroup memory limit if any)          (may be unlimited)
 *   openFiles     = min(max-open-files if set, soft "Max open files" if any)          (may be unlimited)
 *   cpus          = min(cgroup CPU quota, availableProcessors), or availableProcessors without a quota
 *   eventLoops    = the explicit override if &gt; 0, else max(1, ceil(cpus))
 *   directMemory  = memoryLimit known: max(16 MiB, memoryLimit - maxHeap - native-headroom),
 *                   further capped by -XX:MaxDirectMemorySize when that is set;
 *                   no memory limit: -XX:MaxDirectMemorySize if set, else maxHeap (the JDK's own default)
 *   capFiles      = openFiles known: max(1, openFiles - fd-reserve), else unbounded
 *   capMemory     = floor(0.75 * (maxHeap + directMemory) / connection-cost)
 *   connectionCap = min(max-connections if set, capFiles, capMemory)
 * </pre>
 * A quarter of heap plus direct memory is kept out of {@code capMemory} for the feed, the bar history, encode
 * buffers and GC headroom; the connection cost is the measured heap plus direct memory of one TLS-authenticated
 * subscriber. The open-file override can only lower the limit: a JVM cannot raise its own {@code RLIMIT_NOFILE}, and
 * planning above the real limit is exactly how {@code accept()} meets EMFILE.
 *
 * @param cgroup              what the cgroups allow
 * @param processOpenFiles    the soft open-file limit of the process, empty when unlimited or unknown
 * @param jvm                 the JVM's own view
 * @param config              the {@code tick-storm.limits} configuration
 * @param memoryLimitBytes    effective memory limit, empty when unlimited
 * @param openFilesLimit      effective open-file limit, empty when unlimited
 * @param cpus                CPUs this process may use (fractional for a fractional quota)
 * @param eventLoopThreads    event-loop threads to run
 * @param directMemoryBytes   direct-memory budget (the value for Netty's {@code io.netty.maxDirectMemory})
 * @param connectionCapFiles  the open-file bound on connections ({@code Integer.MAX_VALUE} when unbounded)
 * @param connectionCapMemory the memory bound on connections
 * @param connectionCap       connections the server admits at once
 * @param connectionCapBound  which bound set {@code connectionCap}: max-connections, open-files or memory
 */
public record Limits(
        CgroupLimits cgroup,
        OptionalLong processOpenFiles,
        JvmResources jvm,
        LimitsConfig config,
        OptionalLong memoryLimitBytes,
        OptionalLong openFilesLimit,
        double cpus,
        int eventLoopThreads,
        long directMemoryBytes,
        int connectionCapFiles,
        int connectionCapMemory,
        int connectionCap,
        String connectionCapBound) {

    /** Smallest direct-memory budget handed out, even when the memory limit leaves less (a misconfiguration). */
    public static final long MIN_DIRECT_MEMORY_BYTES = 16L << 20;

    /** Share of heap plus direct memory the connections may take; the rest is for the feed, history and GC. */
    public static final double CONNECTION_MEMORY_SHARE = 0.75;

    public Limits {
        Objects.requireNonNull(cgroup, "cgroup");
        Objects.requireNonNull(processOpenFiles, "processOpenFiles");
        Objects.requireNonNull(jvm, "jvm");
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(memoryLimitBytes, "memoryLimitBytes");
        Objects.requireNonNull(openFilesLimit, "openFilesLimit");
        Objects.requireNonNull(connectionCapBound, "connectionCapBound");
        if (eventLoopThreads < 1 || connectionCap < 1 || directMemoryBytes <= 0) {
            throw new IllegalArgumentException("derived limits must be positive: eventLoopThreads=" + eventLoopThreads
                    + " connectionCap=" + connectionCap + " directMemoryBytes=" + directMemoryBytes);
        }
    }

    /**
     * Reads the container under {@link LimitsConfig#cgroupRoot()} and the running JVM, then derives the caps.
     *
     * @param eventLoopThreadsOverride {@code tick-storm.event-loop-threads}; 0 derives from the CPU quota
     */
    public static Limits detect(LimitsConfig config, int eventLoopThreadsOverride) {
        Path root = config.cgroupRoot();
        return derive(new CgroupReader(root).read(), new ProcessLimitsReader(root).openFiles(), JvmResources.current(),
                config, eventLoopThreadsOverride);
    }

    /** Derives the caps from already-read inputs (pure; see the class javadoc for the formulas). */
    public static Limits derive(CgroupLimits cgroup, OptionalLong processOpenFiles, JvmResources jvm,
            LimitsConfig config, int eventLoopThreadsOverride) {
        if (eventLoopThreadsOverride < 0) {
            throw new IllegalArgumentException(
                    "tick-storm.event-loop-threads must not be negative, was " + eventLoopThreadsOverride);
        }
        OptionalLong memory = smaller(config.maxMemoryBytes(), cgroup.memoryLimitBytes());
        OptionalLong openFiles = smaller(config.maxOpenFiles(), processOpenFiles);

        OptionalDouble quota = cgroup.cpuLimit();
        double cpus = quota.isPresent()
                ? Math.min(quota.getAsDouble(), jvm.availableProcessors())
                : jvm.availableProcessors();
        int eventLoops = eventLoopThreadsOverride > 0
                ? eventLoopThreadsOverride
                : Math.max(1, (int) Math.ceil(cpus));

        long direct;
        if (memory.isPresent()) {
            direct = Math.max(MIN_DIRECT_MEMORY_BYTES,
                    memory.getAsLong() - jvm.maxHeapBytes() - config.nativeHeadroomBytes());
            if (jvm.maxDirectMemoryBytes() > 0) {
                direct = Math.min(direct, jvm.maxDirectMemoryBytes());
            }
        } else {
            direct = jvm.maxDirectMemoryBytes() > 0 ? jvm.maxDirectMemoryBytes() : jvm.maxHeapBytes();
        }

        int capFiles = openFiles.isPresent()
                ? clampToInt(Math.max(1, openFiles.getAsLong() - config.fdReserve()))
                : Integer.MAX_VALUE;
        int capMemory = clampToInt(Math.max(1,
                (long) (CONNECTION_MEMORY_SHARE * (jvm.maxHeapBytes() + direct) / config.connectionCostBytes())));

        int cap = Math.min(capFiles, capMemory);
        String bound = capFiles <= capMemory ? "open-files" : "memory";
        if (config.maxConnections() > 0 && config.maxConnections() <= cap) {
            cap = config.maxConnections();
            bound = "max-connections";
        }
        return new Limits(cgroup, processOpenFiles, jvm, config, memory, openFiles, cpus, eventLoops, direct,
                capFiles, capMemory, cap, bound);
    }

    /**
     * A warning for a maximum heap larger than the memory limit planned for (a fixed {@code -Xmx} above the
     * container's limit, or {@code ULIMIT_MAX_MEMORY_SIZE} below the heap): the process would be killed for memory
     * before its heap fills, and the direct-memory budget falls to its floor. Empty when the heap fits or there is
     * no limit.
     */
    public Optional<String> heapAboveMemoryLimit() {
        if (memoryLimitBytes.isEmpty() || jvm.maxHeapBytes() <= memoryLimitBytes.getAsLong()) {
            return Optional.empty();
        }
        return Optional.of("The maximum heap (-Xmx / MaxHeapSize) of " + mebibytes(jvm.maxHeapBytes())
                + " MiB is larger than the planned memory limit of " + mebibytes(memoryLimitBytes.getAsLong())
                + " MiB (the cgroup limit or ULIMIT_MAX_MEMORY_SIZE): the process would be killed before its heap"
                + " fills; lower -Xmx or use -XX:MaxRAMPercentage");
    }

    private static long mebibytes(long bytes) {
        return bytes >> 20;
    }

    /** The value to give {@code io.netty.maxDirectMemory} (bytes) before any Netty class loads. */
    public String nettyMaxDirectMemory() {
        return Long.toString(directMemoryBytes);
    }

    /**
     * Every input and derived cap as one flat, ordered map, for a single structured startup log line. Unlimited
     * values appear as the string {@code "unlimited"}.
     */
    public Map<String, Object> summary() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cgroup_memory_version", cgroup.memoryVersion());
        m.put("cgroup_memory_limit_bytes", orUnlimited(cgroup.memoryLimitBytes()));
        m.put("cgroup_cpu_version", cgroup.cpuVersion());
        m.put("cgroup_cpus", cgroup.cpuLimit().isPresent() ? (Object) cgroup.cpuLimit().getAsDouble() : "unlimited");
        m.put("process_open_files", orUnlimited(processOpenFiles));
        m.put("jvm_max_heap_bytes", jvm.maxHeapBytes());
        m.put("jvm_max_direct_memory_bytes", jvm.maxDirectMemoryBytes() > 0 ? jvm.maxDirectMemoryBytes() : "default");
        m.put("jvm_available_processors", jvm.availableProcessors());
        m.put("config_max_connections", config.maxConnections());
        m.put("config_max_open_files", config.maxOpenFiles());
        m.put("config_max_memory_bytes", config.maxMemoryBytes());
        m.put("config_connection_cost_bytes", config.connectionCostBytes());
        m.put("config_fd_reserve", config.fdReserve());
        m.put("config_native_headroom_bytes", config.nativeHeadroomBytes());
        m.put("memory_limit_bytes", orUnlimited(memoryLimitBytes));
        m.put("open_files_limit", orUnlimited(openFilesLimit));
        m.put("cpus", cpus);
        m.put("event_loop_threads", eventLoopThreads);
        m.put("direct_memory_bytes", directMemoryBytes);
        m.put("connection_cap_open_files", connectionCapFiles == Integer.MAX_VALUE ? "unlimited" : connectionCapFiles);
        m.put("connection_cap_memory", connectionCapMemory);
        m.put("connection_cap", connectionCap);
        m.put("connection_cap_bound", connectionCapBound);
        return Collections.unmodifiableMap(m);
    }

    /**
     * Values for the {@code tick_storm_limit{resource}} gauge, keyed by the resource label: connections, open_files,
     * memory_bytes, direct_memory_bytes, cpus. An unlimited resource is {@code +Inf}.
     */
    public Map<String, Double> gauges() {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("connections", (double) connectionCap);
        m.put("open_files", orInfinity(openFilesLimit));
        m.put("memory_bytes", orInfinity(memoryLimitBytes));
        m.put("direct_memory_bytes", (double) directMemoryBytes);
        m.put("cpus", cpus);
        return Collections.unmodifiableMap(m);
    }

    private static OptionalLong smaller(long override, OptionalLong read) {
        if (override > 0) {
            return OptionalLong.of(read.isPresent() ? Math.min(override, read.getAsLong()) : override);
        }
        return read;
    }

    private static int clampToInt(long value) {
        return (int) Math.min(Integer.MAX_VALUE, value);
    }

    private static Object orUnlimited(OptionalLong value) {
        return value.isPresent() ? (Object) value.getAsLong() : "unlimited";
    }

    private static double orInfinity(OptionalLong value) {
        return value.isPresent() ? value.getAsLong() : Double.POSITIVE_INFINITY;
    }
}

package io.tickstorm.limits;

import com.typesafe.config.Config;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * The {@code tick-storm.limits} block of the configuration; every key, its default and its environment variable are
 * in this module's {@code reference.conf}.
 *
 * @param maxConnections      explicit connection ceiling, 0 = derive ({@code MAX_CONNECTIONS})
 * @param maxOpenFiles        open-file limit override, 0 = read {@code /proc/self/limits}
 *                            ({@code ULIMIT_MAX_OPEN_FILES})
 * @param maxMemoryBytes      memory limit override, 0 = read the cgroup ({@code ULIMIT_MAX_MEMORY_SIZE})
 * @param connectionCostBytes heap plus direct memory one subscriber costs ({@code CONNECTION_COST_BYTES})
 * @param fdReserve           file descriptors kept back from connections ({@code FD_RESERVE})
 * @param nativeHeadroomBytes memory outside heap and direct buffers ({@code NATIVE_HEADROOM_BYTES})
 * @param highWater           usage ratio at which a resource enters breach ({@code RESOURCE_HIGH_WATER})
 * @param lowWater            usage ratio below which a breach clears ({@code RESOURCE_LOW_WATER})
 * @param sampleInterval      resource sampling period ({@code RESOURCE_SAMPLE_INTERVAL_MS})
 * @param cgroupRoot          root under which {@code /proc} and the cgroup mounts are read ({@code CGROUP_ROOT})
 * @param memoryBreachIdleTimeout how long heap or direct memory may stay in breach with no connection before
 *                            liveness fails; zero = never ({@code MEMORY_BREACH_IDLE_TIMEOUT_MS})
 */
public record LimitsConfig(
        int maxConnections,
        long maxOpenFiles,
        long maxMemoryBytes,
        long connectionCostBytes,
        int fdReserve,
        long nativeHeadroomBytes,
        double highWater,
        double lowWater,
        Duration sampleInterval,
        Path cgroupRoot,
        Duration memoryBreachIdleTimeout) {

    /** The configuration path this record is read from. */
    public static final String PATH = "tick-storm.limits";

    public LimitsConfig {
        requireNonNegative(maxConnections, "max-connections");
        requireNonNegative(maxOpenFiles, "max-open-files");
        requireNonNegative(maxMemoryBytes, "max-memory-bytes");
        if (connectionCostBytes <= 0) {
            throw invalid("connection-cost", "must be positive, was " + connectionCostBytes);
        }
        requireNonNegative(fdReserve, "fd-reserve");
        requireNonNegative(nativeHeadroomBytes, "native-headroom");
        if (!(highWater > 0 && highWater <= 1)) {
            throw invalid("breach-high-water", "must be in (0, 1], was " + highWater);
        }
        if (!(lowWater > 0 && lowWater < highWater)) {
            throw invalid("breach-low-water", "must be in (0, breach-high-water), was " + lowWater);
        }
        Objects.requireNonNull(sampleInterval, "sampleInterval");
        if (sampleInterval.isNegative() || sampleInterval.isZero()) {
            throw invalid("sample-interval", "must be positive, was " + sampleInterval);
        }
        Objects.requireNonNull(cgroupRoot, "cgroupRoot");
        Objects.requireNonNull(memoryBreachIdleTimeout, "memoryBreachIdleTimeout");
        if (memoryBreachIdleTimeout.isNegative()) {
            throw invalid("memory-breach-idle-timeout", "must not be negative, was " + memoryBreachIdleTimeout);
        }
    }

    /**
     * Reads {@code tick-storm.limits} from a fully resolved configuration (normally {@code ConfigFactory.load()}).
     *
     * @throws IllegalArgumentException naming the key when a value is missing, mistyped or out of range
     */
    public static LimitsConfig from(Config root) {
        try {
            Config c = root.getConfig(PATH);
            return new LimitsConfig(
                    c.getInt("max-connections"),
                    c.getLong("max-open-files"),
                    c.getBytes("max-memory-bytes"),
                    c.getBytes("connection-cost"),
                    c.getInt("fd-reserve"),
                    c.getBytes("native-headroom"),
                    c.getDouble("breach-high-water"),
                    c.getDouble("breach-low-water"),
                    c.getDuration("sample-interval"),
                    Path.of(c.getString("cgroup-root")),
                    c.getDuration("memory-breach-idle-timeout"));
        } catch (com.typesafe.config.ConfigException e) {
            throw new IllegalArgumentException(PATH + ": " + e.getMessage(), e);
        }
    }

    private static void requireNonNegative(long value, String key) {
        if (value < 0) {
            throw invalid(key, "must not be negative, was " + value);
        }
    }

    private static IllegalArgumentException invalid(String key, String problem) {
        return new IllegalArgumentException(PATH + "." + key + " " + problem);
    }
}

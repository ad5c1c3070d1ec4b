package io.tickstorm.limits;

import com.typesafe.config.Config;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.function.BiFunction;

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

    private static final String WHOLE_NUMBER = "expected a whole number";
    private static final String NUMBER = "expected a number";
    private static final String SIZE = "expected a size (e.g. 65536, 64KiB, 4MiB)";
    private static final String DURATION = "expected a duration (e.g. 500ms, 10s, 1m)";

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
        Config c;
        try {
            c = root.getConfig(PATH);
        } catch (com.typesafe.config.ConfigException e) {
            throw new IllegalArgumentException(PATH + ": " + e.getMessage(), e);
        }
        return new LimitsConfig(
                read(c, "max-connections", WHOLE_NUMBER, Config::getInt),
                read(c, "max-open-files", WHOLE_NUMBER, Config::getLong),
                read(c, "max-memory-bytes", SIZE, Config::getBytes),
                read(c, "connection-cost", SIZE, Config::getBytes),
                read(c, "fd-reserve", WHOLE_NUMBER, Config::getInt),
                read(c, "native-headroom", SIZE, Config::getBytes),
                read(c, "breach-high-water", NUMBER, Config::getDouble),
                read(c, "breach-low-water", NUMBER, Config::getDouble),
                read(c, "sample-interval", DURATION, Config::getDuration),
                Path.of(read(c, "cgroup-root", "expected a path", Config::getString)),
                read(c, "memory-breach-idle-timeout", DURATION, Config::getDuration));
    }

    /** One typed read; a wrong type is reported by key and what was expected, not by Typesafe's type names. */
    private static <T> T read(Config c, String key, String expected, BiFunction<Config, String, T> getter) {
        try {
            return getter.apply(c, key);
        } catch (com.typesafe.config.ConfigException e) {
            throw new IllegalArgumentException(PATH + "." + key + ": " + expected, e);
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

package io.tickstorm.limits;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the memory limit and CPU quota of the process's cgroups, v1 or v2, the way the kernel applies them.
 *
 * <p>The process's cgroup path per controller comes from {@code /proc/self/cgroup}; where that hierarchy is mounted
 * comes from {@code /proc/self/mountinfo}. Both, and every mount point, are resolved under an injectable root so tests
 * read fixture trees. A v1 controller wins over v2 when both are listed (hybrid hosts mount an empty unified tree).
 *
 * <p>Limits are hierarchical: a parent's limit caps every child. So the reader walks from the process's own cgroup
 * directory up to the mount point and keeps the smallest limit found. {@code max}, {@code -1}, a missing file and any
 * value of at least {@value #UNLIMITED_BYTES} bytes (v1 reports "no limit" as 9223372036854771712) mean no limit at
 * that level; an unparsable value is logged and treated the same way.
 */
public final class CgroupReader {

    /** Memory limits at or above 1 EiB are "unlimited" sentinels, not limits. */
    public static final long UNLIMITED_BYTES = 1L << 60;

    private static final Logger LOG = LoggerFactory.getLogger(CgroupReader.class);

    private final Path root;

    /** @param root the directory standing for "/" ({@code Path.of("/")} in production) */
    public CgroupReader(Path root) {
        this.root = root;
    }

    /** Reads the limits; never throws for missing or garbled files (they mean "no limit"). */
    public CgroupLimits read() {
        Optional<List<String>> cgroupLines = lines(under(root, "/proc/self/cgroup"));
        Optional<List<String>> mountLines = lines(under(root, "/proc/self/mountinfo"));
        if (cgroupLines.isEmpty() || mountLines.isEmpty()) {
            return CgroupLimits.NONE;
        }
        Map<String, String> v1Paths = new HashMap<>();
        String v2Path = null;
        for (String line : cgroupLines.get()) {
            String[] parts = line.split(":", 3);
            if (parts.length != 3) {
                continue;
            }
            if (parts[0].equals("0") && parts[1].isEmpty()) {
                v2Path = parts[2];
            } else {
                for (String controller : parts[1].split(",")) {
                    v1Paths.put(controller, parts[2]);
                }
            }
        }
        List<Mount> mounts = new ArrayList<>();
        for (String line : mountLines.get()) {
            Mount.parse(line).ifPresent(mounts::add);
        }

        int memoryVersion = 0;
        OptionalLong memory = OptionalLong.empty();
        Optional<Hierarchy> v1Memory = v1Dir(mounts, v1Paths, "memory");
        Optional<Hierarchy> v2Dir = v2Path == null ? Optional.empty() : v2Dir(mounts, v2Path);
        if (v1Memory.isPresent()) {
            memoryVersion = 1;
            memory = smallestMemory(v1Memory.get(), "memory.limit_in_bytes");
        } else if (v2Dir.isPresent()) {
            memoryVersion = 2;
            memory = smallestMemory(v2Dir.get(), "memory.max");
        }

        int cpuVersion = 0;
        OptionalDouble cpu = OptionalDouble.empty();
        Optional<Hierarchy> v1Cpu = v1Dir(mounts, v1Paths, "cpu");
        if (v1Cpu.isPresent()) {
            cpuVersion = 1;
            cpu = smallestCpu(v1Cpu.get(), CgroupReader::v1Cpus);
        } else if (v2Dir.isPresent()) {
            cpuVersion = 2;
            cpu = smallestCpu(v2Dir.get(), CgroupReader::v2Cpus);
        }
        return new CgroupLimits(memoryVersion, memory, cpuVersion, cpu);
    }

    private Optional<Hierarchy> v1Dir(List<Mount> mounts, Map<String, String> v1Paths, String controller) {
        String cgroupPath = v1Paths.get(controller);
        if (cgroupPath == null) {
            return Optional.empty();
        }
        for (Mount m : mounts) {
            if (m.fsType.equals("cgroup") && List.of(m.superOptions.split(",")).contains(controller)) {
                return Optional.of(m.cgroupDir(root, cgroupPath));
            }
        }
        return Optional.empty();
    }

    private Optional<Hierarchy> v2Dir(List<Mount> mounts, String cgroupPath) {
        for (Mount m : mounts) {
            if (m.fsType.equals("cgroup2")) {
                return Optional.of(m.cgroupDir(root, cgroupPath));
            }
        }
        return Optional.empty();
    }

    private OptionalLong smallestMemory(Hierarchy dir, String file) {
        long smallest = Long.MAX_VALUE;
        for (Path d : dir.upToMount()) {
            Optional<String> text = firstLine(d.resolve(file));
            if (text.isEmpty() || text.get().equals("max")) {
                continue;
            }
            try {
                long value = Long.parseLong(text.get());
                if (value > 0 && value < UNLIMITED_BYTES) {
                    smallest = Math.min(smallest, value);
                } else if (value <= 0 && value != -1) {
                    LOG.warn("ignoring cgroup value {} in {}: not a memory limit", value, d.resolve(file));
                }
            } catch (NumberFormatException e) {
                LOG.warn("ignoring unparsable cgroup value '{}' in {}", text.get(), d.resolve(file));
            }
        }
        return smallest == Long.MAX_VALUE ? OptionalLong.empty() : OptionalLong.of(smallest);
    }

    private OptionalDouble smallestCpu(Hierarchy dir, CpuParser parser) {
        double smallest = Double.MAX_VALUE;
        for (Path d : dir.upToMount()) {
            OptionalDouble cpus = parser.cpus(d);
            if (cpus.isPresent()) {
                smallest = Math.min(smallest, cpus.getAsDouble());
            }
        }
        return smallest == Double.MAX_VALUE ? OptionalDouble.empty() : OptionalDouble.of(smallest);
    }

    private static OptionalDouble v1Cpus(Path dir) {
        Optional<String> quota = firstLine(dir.resolve("cpu.cfs_quota_us"));
        Optional<String> period = firstLine(dir.resolve("cpu.cfs_period_us"));
        if (quota.isEmpty() || period.isEmpty()) {
            return OptionalDouble.empty();
        }
        return cpus(quota.get(), period.get(), dir.resolve("cpu.cfs_quota_us"));
    }

    private static OptionalDouble v2Cpus(Path dir) {
        Optional<String> text = firstLine(dir.resolve("cpu.max"));
        if (text.isEmpty()) {
            return OptionalDouble.empty();
        }
        String[] parts = text.get().split("\\s+");
        // "max" alone, or "max 100000": no quota. The period defaults to 100 ms when omitted.
        return cpus(parts[0], parts.length > 1 ? parts[1] : "100000", dir.resolve("cpu.max"));
    }

    private static OptionalDouble cpus(String quotaText, String periodText, Path file) {
        if (quotaText.equals("max") || quotaText.equals("-1")) {
            return OptionalDouble.empty();
        }
        try {
            long quota = Long.parseLong(quotaText);
            long period = Long.parseLong(periodText);
            if (quota <= 0 || period <= 0) {
                LOG.warn("ignoring cgroup CPU quota {}/{} in {}", quotaText, periodText, file);
                return OptionalDouble.empty();
            }
            return OptionalDouble.of((double) quota / period);
        } catch (NumberFormatException e) {
            LOG.warn("ignoring unparsable cgroup CPU quota '{} {}' in {}", quotaText, periodText, file);
            return OptionalDouble.empty();
        }
    }

    static Path under(Path root, String absolute) {
        String relative = absolute.replaceAll("^/+", "");
        return relative.isEmpty() ? root : root.resolve(relative);
    }

    private static Optional<String> firstLine(Path file) {
        return lines(file).flatMap(l -> l.stream().map(String::trim).filter(s -> !s.isEmpty()).findFirst());
    }

    private static Optional<List<String>> lines(Path file) {
        try {
            return Optional.of(Files.readAllLines(file));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    @FunctionalInterface
    private interface CpuParser {
        OptionalDouble cpus(Path dir);
    }

    /** A process's cgroup directory and the mount point of its hierarchy, where the upward walk stops. */
    private record Hierarchy(Path mount, Path leaf) {

        List<Path> upToMount() {
            List<Path> chain = new ArrayList<>();
            for (Path d = leaf; d != null && d.startsWith(mount); d = d.getParent()) {
                chain.add(d);
            }
            return chain;
        }
    }

    /** One line of /proc/self/mountinfo, reduced to what locating a cgroup hierarchy needs. */
    private record Mount(String root, String mountPoint, String fsType, String superOptions) {

        static Optional<Mount> parse(String line) {
            // id parent major:minor root mount-point options [optional fields...] - fstype source super-options
            String[] f = line.split(" ");
            int dash = List.of(f).indexOf("-");
            if (dash < 6 || f.length < dash + 4) {
                return Optional.empty();
            }
            return Optional.of(new Mount(unescape(f[3]), unescape(f[4]), f[dash + 1], f[dash + 3]));
        }

        /**
         * Where {@code cgroupPath} lives inside this mount. A mount whose root is a sub-cgroup (a container's view)
         * shows that cgroup at its mount point.
         */
        Hierarchy cgroupDir(Path fsRoot, String cgroupPath) {
            String relative;
            if (root.equals("/")) {
                relative = cgroupPath;
            } else if (cgroupPath.equals(root)) {
                relative = "/";
            } else if (cgroupPath.startsWith(root + "/")) {
                relative = cgroupPath.substring(root.length());
            } else {
                // Outside the mount's view (a cgroup namespace): the mount point is the process's cgroup.
                relative = "/";
            }
            Path mountDir = under(fsRoot, mountPoint).normalize();
            return new Hierarchy(mountDir, under(mountDir, relative).normalize());
        }

        private static String unescape(String field) {
            // mountinfo escapes space, tab, newline and backslash as \ooo octal.
            StringBuilder out = new StringBuilder(field.length());
            for (int i = 0; i < field.length(); i++) {
                char c = field.charAt(i);
                if (c == '\\' && i + 3 < field.length() && field.substring(i + 1, i + 4).matches("[0-7]{3}")) {
                    out.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
                    i += 3;
                } else {
                    out.append(c);
                }
            }
            return out.toString();
        }
    }
}

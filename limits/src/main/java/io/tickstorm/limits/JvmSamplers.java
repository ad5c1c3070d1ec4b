package io.tickstorm.limits;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.lang.management.OperatingSystemMXBean;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.function.LongSupplier;

/** Usage samplers for the running JVM, for {@link MonitoredResource}s. */
public final class JvmSamplers {

    private static final Path FD_DIR = Path.of("/proc/self/fd");

    private JvmSamplers() {
    }

    /**
     * Heap in use right after the most recent collection of each heap pool, summed. Unlike current usage this does
     * not swing with garbage not yet collected, so a high value means live data, not a GC about to happen.
     */
    public static LongSupplier heapUsedAfterGc() {
        List<MemoryPoolMXBean> heapPools = ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(p -> p.getType() == MemoryType.HEAP)
                .toList();
        return () -> {
            long sum = 0;
            for (MemoryPoolMXBean pool : heapPools) {
                MemoryUsage usage = pool.getCollectionUsage();
                if (usage != null) {
                    sum += usage.getUsed();
                }
            }
            return sum;
        };
    }

    /**
     * Direct buffer memory the JDK accounts for ({@code BufferPoolMXBean "direct"}). Netty's cleaner-less buffers
     * are not in it; the server passes Netty's own counter where that is available.
     */
    public static LongSupplier jdkDirectMemoryUsed() {
        BufferPoolMXBean direct = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
                .filter(p -> p.getName().equals("direct"))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("this JVM has no \"direct\" buffer pool"));
        return direct::getMemoryUsed;
    }

    /**
     * Open file descriptors of this process. Where the kernel reports the count as the size of {@code /proc/self/fd}
     * (Linux 6.2 and later) that one {@code stat} is used: listing the directory, as {@code
     * UnixOperatingSystemMXBean} does, creates an entry per descriptor and took about 2% of a core once a second at
     * 20,000 connections (bench/RESULTS.md). Else the MXBean where the JVM has it, else a count of the entries.
     */
    public static LongSupplier openFileDescriptors() {
        LongSupplier listing = listingCount();
        if (fdDirectorySize() <= 0) {
            return listing;
        }
        return () -> {
            long size = fdDirectorySize();
            return size > 0 ? size : listing.getAsLong();
        };
    }

    /** The size {@code stat} reports for {@code /proc/self/fd}: the number of open descriptors, or 0 where not. */
    static long fdDirectorySize() {
        try {
            return Files.readAttributes(FD_DIR, BasicFileAttributes.class).size();
        } catch (IOException e) {
            return 0;
        }
    }

    /** Counts by listing: the MXBean where the JVM has it, else the entries of {@code /proc/self/fd}. */
    static LongSupplier listingCount() {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
            return unix::getOpenFileDescriptorCount;
        }
        return () -> countEntries(FD_DIR);
    }

    private static long countEntries(Path dir) {
        long n = 0;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path ignored : entries) {
                n++;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
        return n;
    }
}

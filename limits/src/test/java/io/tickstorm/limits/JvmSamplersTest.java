package io.tickstorm.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JvmSamplersTest {

    private static final int OPENED = 40;

    @TempDir
    Path dir;

    @Test
    void theDescriptorCountFollowsFilesOpenedAndClosed() throws IOException {
        LongSupplier count = JvmSamplers.openFileDescriptors();
        long rise = countWhileOpen(count);
        // At least the files opened; a few more if another thread of the test JVM opened some meanwhile.
        assertTrue(rise >= OPENED && rise <= OPENED + 5, "descriptors added by opening " + OPENED + " files: " + rise);
        assertTrue(count.getAsLong() > 0);
    }

    @Test
    void theStatCountAgreesWithTheListingWhereTheKernelHasIt() throws IOException {
        assumeTrue(JvmSamplers.fdDirectorySize() > 0, "this kernel does not report /proc/self/fd's size");
        LongSupplier listing = JvmSamplers.listingCount();
        List<FileChannel> files = open(OPENED);
        try {
            // The listing holds one descriptor of its own while it reads the directory.
            long listed = listing.getAsLong();
            long stat = JvmSamplers.fdDirectorySize();
            assertEquals(listed, stat, 1, "stat " + stat + ", listing " + listed);
        } finally {
            close(files);
        }
    }

    /** The rise of {@code count} while {@link #OPENED} more files are open, in the quiet test JVM. */
    private long countWhileOpen(LongSupplier count) throws IOException {
        long before = count.getAsLong();
        List<FileChannel> files = open(OPENED);
        try {
            return count.getAsLong() - before;
        } finally {
            close(files);
        }
    }

    private List<FileChannel> open(int n) throws IOException {
        List<FileChannel> files = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            files.add(FileChannel.open(dir.resolve("f" + i), StandardOpenOption.CREATE, StandardOpenOption.WRITE));
        }
        return files;
    }

    private static void close(List<FileChannel> files) throws IOException {
        for (FileChannel file : files) {
            file.close();
        }
    }
}

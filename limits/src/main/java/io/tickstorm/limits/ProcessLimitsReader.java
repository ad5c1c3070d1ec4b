package io.tickstorm.limits;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the soft open-file limit from {@code /proc/self/limits} (under an injectable root).
 *
 * <p>The soft limit is the one {@code accept()} fails against with EMFILE, so it is the one planned for. The line
 * looks like {@code Max open files            20000                20000                files}; {@code unlimited},
 * a missing file or an unparsable value mean no known limit (the latter is logged).
 */
public final class ProcessLimitsReader {

    private static final Logger LOG = LoggerFactory.getLogger(ProcessLimitsReader.class);
    private static final String OPEN_FILES = "Max open files";

    private final Path limitsFile;

    /** @param root the directory standing for "/" ({@code Path.of("/")} in production) */
    public ProcessLimitsReader(Path root) {
        this.limitsFile = CgroupReader.under(root, "/proc/self/limits");
    }

    /** The soft "Max open files" limit, or empty when unlimited or unknown. */
    public OptionalLong openFiles() {
        List<String> lines;
        try {
            lines = Files.readAllLines(limitsFile);
        } catch (NoSuchFileException e) {
            return OptionalLong.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + limitsFile, e);
        }
        for (String line : lines) {
            if (!line.startsWith(OPEN_FILES)) {
                continue;
            }
            String[] columns = line.substring(OPEN_FILES.length()).trim().split("\\s+");
            String soft = columns[0];
            if (soft.equals("unlimited")) {
                return OptionalLong.empty();
            }
            try {
                long value = Long.parseLong(soft);
                if (value > 0) {
                    return OptionalLong.of(value);
                }
                LOG.warn("ignoring open-file limit {} in {}", value, limitsFile);
            } catch (NumberFormatException e) {
                LOG.warn("ignoring unparsable open-file limit '{}' in {}", soft, limitsFile);
            }
            return OptionalLong.empty();
        }
        return OptionalLong.empty();
    }
}

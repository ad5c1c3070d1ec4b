package io.tickstorm.server.feed.file;

import java.io.BufferedInputStream;
import java.io.FileInputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.zip.GZIPInputStream;

/**
 * The format of a tick recording, decided by its file name: {@code .ndjson} or {@code .jsonl} for NDJSON,
 * {@code .csv} for CSV, each optionally followed by {@code .gz} (gzip-compressed; the extensions are matched
 * ignoring case). {@value #STDIN} means NDJSON on standard input.
 */
public enum TickFileFormat {
    /** One JSON object per line ({@link NdjsonTickParser}). */
    NDJSON,
    /** Comma-separated values under a header line ({@link CsvTickParser}). */
    CSV;

    /** The file name that means standard input. */
    public static final String STDIN = "-";

    private static final String GZIP_SUFFIX = ".gz";
    private static final int GZIP_BUFFER_BYTES = 64 * 1024;

    /**
     * The format of {@code fileName} (a path or {@value #STDIN}).
     *
     * @throws IllegalArgumentException for any other extension, listing the accepted ones
     */
    public static TickFileFormat of(String fileName) {
        if (STDIN.equals(fileName)) {
            return NDJSON;
        }
        String name = fileName.toLowerCase(Locale.ROOT);
        if (name.endsWith(GZIP_SUFFIX)) {
            name = name.substring(0, name.length() - GZIP_SUFFIX.length());
        }
        if (name.endsWith(".ndjson") || name.endsWith(".jsonl")) {
            return NDJSON;
        }
        if (name.endsWith(".csv")) {
            return CSV;
        }
        throw new IllegalArgumentException("'" + fileName + "': unknown tick file extension; accepted: .ndjson, "
                + ".jsonl, .csv, each optionally followed by .gz, or " + STDIN + " for NDJSON on standard input");
    }

    /** Whether {@code fileName} names a gzip-compressed file (ends with {@code .gz}, any case). */
    public static boolean isGzip(String fileName) {
        return fileName.toLowerCase(Locale.ROOT).endsWith(GZIP_SUFFIX);
    }

    /**
     * Opens {@code path} for reading, decompressing it if {@link #isGzip gzipped}. Failures name the path: "no such
     * file", "is a directory", "not readable", "not in gzip format".
     */
    static InputStream open(Path path) throws IOException {
        String name = path.toString();
        if (!Files.exists(path)) {
            throw new NoSuchFileException(name, null, "no such file");
        }
        if (Files.isDirectory(path)) {
            throw new FileSystemException(name, null, "is a directory");
        }
        if (!Files.isReadable(path)) {
            throw new AccessDeniedException(name, null, "not readable");
        }
        InputStream raw;
        try {
            // A file channel's stream answers available() with size - position, which a pipe cannot seek: a named
            // pipe or /dev/stdin gets a FileInputStream, whose available() asks the pipe.
            raw = Files.isRegularFile(path) ? Files.newInputStream(path) : new FileInputStream(path.toFile());
        } catch (FileNotFoundException e) {
            throw new FileSystemException(name, null, e.getMessage());
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(name, null, "no such file"); // deleted since the check
        } catch (AccessDeniedException e) {
            throw new AccessDeniedException(name, null, "not readable");
        }
        if (!isGzip(name)) {
            return raw; // read in chunks of a MiB: no buffer needed
        }
        try {
            // The constructor reads the gzip header: a file that is not gzip fails here, at startup.
            return new GZIPInputStream(new BufferedInputStream(raw, GZIP_BUFFER_BYTES), GZIP_BUFFER_BYTES);
        } catch (IOException e) {
            try {
                raw.close();
            } catch (IOException closing) {
                e.addSuppressed(closing);
            }
            throw new IOException(name + ": not in gzip format (" + e.getMessage() + ")", e);
        }
    }
}

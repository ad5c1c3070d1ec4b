package io.tickstorm.bench.load;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads a server process's resident memory ({@code VmRSS} of {@code /proc/PID/status}) and CPU time
 * ({@code utime + stime} of {@code /proc/PID/stat}, in clock ticks of {@code getconf CLK_TCK}). Linux only.
 */
final class ServerProbe {

    private final long pid;
    private final long clockTicksPerSecond;

    ServerProbe(long pid) {
        this.pid = pid;
        if (!Files.isReadable(Path.of("/proc", Long.toString(pid), "status"))) {
            throw new IllegalArgumentException("--server-pid: no readable /proc/" + pid + "/status");
        }
        this.clockTicksPerSecond = clockTicks();
    }

    /** Resident set size in bytes. */
    long rssBytes() {
        for (String line : read("status").split("\n")) {
            if (line.startsWith("VmRSS:")) {
                String[] parts = line.substring("VmRSS:".length()).trim().split("\\s+");
                return Long.parseLong(parts[0]) * 1024;
            }
        }
        throw new IllegalStateException("/proc/" + pid + "/status has no VmRSS (process gone?)");
    }

    /** User plus system CPU time in nanoseconds. */
    long cpuNanos() {
        String stat = read("stat");
        // The command name (field 2) may hold spaces: fields after it start after the last ')'.
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
        long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        return ticks * 1_000_000_000L / clockTicksPerSecond;
    }

    /**
     * Runs a full GC in the server ({@code jcmd PID GC.run}) and returns the heap in use after it, from
     * {@code jcmd PID GC.heap_info} (the first "used NNNK" figure: the whole heap for G1, Parallel and Serial).
     */
    long heapUsedAfterFullGcBytes() {
        jcmd("GC.run");
        String info = jcmd("GC.heap_info");
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("used (\\d+)K").matcher(info);
        if (!m.find()) {
            throw new IllegalStateException("jcmd " + pid + " GC.heap_info: no 'used NNNK' in: " + info);
        }
        return Long.parseLong(m.group(1)) * 1024;
    }

    private String jcmd(String command) {
        try {
            Process p = new ProcessBuilder("jcmd", Long.toString(pid), command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0) {
                throw new IllegalStateException("jcmd " + pid + " " + command + " failed: " + out);
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run jcmd (is the JDK's bin on PATH?)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running jcmd", e);
        }
    }

    private String read(String file) {
        try {
            return Files.readString(Path.of("/proc", Long.toString(pid), file), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read /proc/" + pid + "/" + file, e);
        }
    }

    private static long clockTicks() {
        try {
            Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
            if (p.waitFor() != 0) {
                throw new IllegalStateException("getconf CLK_TCK failed: " + out);
            }
            return Long.parseLong(out);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run getconf CLK_TCK", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running getconf", e);
        }
    }
}

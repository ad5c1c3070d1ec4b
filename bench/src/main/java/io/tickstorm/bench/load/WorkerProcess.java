package io.tickstorm.bench.load;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The coordinator's handle on one {@link LoadWorker} JVM: sends commands on its stdin, receives its
 * {@value LoadWorker#PREFIX} control lines from its stdout (other output is copied to stderr). {@link #kill} is safe
 * to call at any time and always leaves no process behind.
 */
final class WorkerProcess {

    private final int index;
    private final Process process;
    private final Writer stdin;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    /** The worker's last PROGRESS line ("round subscribed failed"), or null before the first. */
    private volatile String progress;

    WorkerProcess(int index, List<String> command, String password) throws IOException {
        this.index = index;
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT);
        // The password travels in the environment, not on the command line where ps would show it.
        builder.environment().put(LoadOptions.PASSWORD_ENV, password);
        this.process = builder.start();
        this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        Thread reader = new Thread(this::pump, "worker-" + index + "-stdout");
        reader.setDaemon(true);
        reader.start();
    }

    private void pump() {
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                if (line.startsWith(LoadWorker.PREFIX + "PROGRESS ")) {
                    progress = line.substring((LoadWorker.PREFIX + "PROGRESS ").length());
                } else if (line.startsWith(LoadWorker.PREFIX)) {
                    lines.add(line.substring(LoadWorker.PREFIX.length()));
                } else {
                    System.err.println("[worker " + index + "] " + line);
                }
            }
        } catch (IOException e) {
            System.err.println("[worker " + index + "] stdout failed: " + e);
        }
        lines.add("EXITED");
    }

    void send(String command) throws IOException {
        stdin.write(command + "\n");
        stdin.flush();
    }

    /**
     * Waits for the control line starting with {@code word} and returns what follows it.
     *
     * @throws IllegalStateException if the worker exits, says something else, or stays silent past the timeout
     */
    String expect(String word, long timeoutSeconds) throws InterruptedException {
        return expect(word, timeoutSeconds, () -> { });
    }

    /** As {@link #expect(String, long)}, running {@code whileWaiting} about once a second until the line comes. */
    String expect(String word, long timeoutSeconds, Runnable whileWaiting) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        String line = null;
        for (long left = deadline - System.nanoTime(); line == null && left > 0; left = deadline - System.nanoTime()) {
            line = lines.poll(Math.min(left, TimeUnit.SECONDS.toNanos(1)), TimeUnit.NANOSECONDS);
            if (line == null) {
                whileWaiting.run();
            }
        }
        if (line == null) {
            throw new IllegalStateException("worker " + index + ": no " + word + " within " + timeoutSeconds + " s");
        }
        if (!line.startsWith(word)) {
            throw new IllegalStateException("worker " + index + ": expected " + word + ", got " + line);
        }
        return line.substring(word.length()).strip();
    }

    /** Waits for a clean exit, up to {@code timeoutSeconds}; kills the process otherwise. */
    boolean awaitExit(long timeoutSeconds) throws InterruptedException {
        boolean exited = process.waitFor(timeoutSeconds, TimeUnit.SECONDS);
        if (!exited) {
            kill();
        }
        return exited && process.exitValue() == 0;
    }

    /** The worker's last progress: {round, subscribed, failed}, or null before the first report. */
    long[] progress() {
        String p = progress;
        if (p == null) {
            return null;
        }
        String[] parts = p.trim().split(" ");
        return new long[] {Long.parseLong(parts[0]), Long.parseLong(parts[1]), Long.parseLong(parts[2])};
    }

    void kill() {
        if (process.isAlive()) {
            process.destroyForcibly();
        }
    }
}

package io.tickstorm.bench.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tickstorm.protocol.BuildInfo;
import java.nio.file.Files;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code java -jar tick-storm-bench.jar [flags]}: the load generator's coordinator (see {@link LoadOptions#usage()}).
 * Launches {@link LoadWorker} JVMs from the same class path (one per {@code --max-per-worker} connections, since one
 * process may open only 20,000 files here), starts their connects together, samples the server process while they
 * hold, then merges their results and prints a table on stdout, and JSON to {@code --json FILE} if given
 * ({@link LoadReport}). Progress lines and failures go to stderr. Every run stops by itself: each phase has a bound,
 * and workers are killed on any failure or when the coordinator exits.
 *
 * <p>Exit code: 0 if every connection subscribed and the run saw no gap, duplicate, error or failure and delivered
 * at least one batch (slow consumers are expected to be closed: their SLOW_CONSUMER errors do not count); 1
 * otherwise; 2 for invalid flags.
 */
public final class LoadGenerator {

    private static final String LOGBACK_PROPERTY = "logback.configurationFile";
    private static final long STARTUP_TIMEOUT_SECONDS = 60;
    private static final long PHASE_SLACK_SECONDS = 60;
    private static final long SAMPLE_INTERVAL_MILLIS = 1_000;

    private LoadGenerator() {
    }

    /** Routes logs to stderr at WARN unless the caller configured logback; call before anything logs. */
    static void useBenchLogging() {
        if (System.getProperty(LOGBACK_PROPERTY) == null) {
            System.setProperty(LOGBACK_PROPERTY, "bench-logback.xml");
        }
    }

    public static void main(String[] args) throws Exception {
        useBenchLogging();
        if (Arrays.asList(args).contains("--version")) {
            System.out.println(BuildInfo.current().versionLine("bench"));
            return;
        }
        if (Arrays.asList(args).contains("--help")) {
            System.out.println(LoadOptions.usage());
            return;
        }
        LoadOptions options;
        try {
            options = LoadOptions.parse(args, System.getenv(), LoadGenerator::readStdinLine);
            if (options.serverPid() > 0) {
                describeServer(options.serverPid());
            }
        } catch (IllegalArgumentException e) {
            System.err.println("tick-storm-bench: " + e.getMessage());
            System.exit(2);
            return;
        }
        System.exit(run(args, options) ? 0 : 1);
    }

    /** The first line of standard input, for --password-stdin (the rest is left unread). */
    private static String readStdinLine() {
        try {
            String line = new java.io.BufferedReader(new java.io.InputStreamReader(System.in,
                    java.nio.charset.StandardCharsets.UTF_8)).readLine();
            if (line == null || line.isEmpty()) {
                throw new IllegalArgumentException("--password-stdin: standard input is empty");
            }
            return line;
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("--password-stdin: cannot read standard input: " + e.getMessage(), e);
        }
    }

    /** Says on stderr which process --server-pid names, so a wrong PID shows at once; refuses a PID that is gone. */
    private static void describeServer(long pid) {
        ProcessHandle process = ProcessHandle.of(pid).filter(ProcessHandle::isAlive).orElseThrow(
                () -> new IllegalArgumentException("--server-pid " + pid + ": no such process"));
        String command = process.info().commandLine().orElse(process.info().command().orElse("?"));
        System.err.println("tick-storm-bench: probing server PID " + pid + ": "
                + (command.length() > 160 ? command.substring(0, 160) + "..." : command));
    }

    private static boolean run(String[] args, LoadOptions options) throws Exception {
        int workerCount = options.effectiveWorkers();
        ServerProbe probe = options.serverPid() > 0 ? new ServerProbe(options.serverPid()) : null;
        List<WorkerProcess> workers = new ArrayList<>();
        Thread killer = new Thread(() -> workers.forEach(WorkerProcess::kill), "kill-workers");
        Runtime.getRuntime().addShutdownHook(killer);
        ServerSamples server = new ServerSamples(probe, options.serverGc());
        ObjectMapper json = new ObjectMapper();
        try {
            for (int i = 0; i < workerCount; i++) {
                workers.add(new WorkerProcess(i, workerCommand(args, options, i, workerCount), options.password()));
            }
            for (WorkerProcess w : workers) {
                w.expect("STARTED", STARTUP_TIMEOUT_SECONDS);
            }
            server.before();
            long connectStartMicros = new WallClock().epochMicros();
            for (WorkerProcess w : workers) {
                w.send("CONNECT");
            }
            Progress progress = new Progress(System.err, options.progressSeconds(), System.nanoTime());
            Runnable connecting = () -> progress.maybePrint(System.nanoTime(), Progress.connecting(
                    workers.stream().map(WorkerProcess::progress).toList(), options.reconnectRounds(),
                    options.connections()));
            List<JsonNode> ready = new ArrayList<>();
            long settleBound = (long) options.settleTimeoutSeconds() * options.reconnectRounds() + PHASE_SLACK_SECONDS;
            for (WorkerProcess w : workers) {
                ready.add(json.readTree(w.expect("READY", settleBound, connecting)));
            }
            long allReadyMicros = new WallClock().epochMicros();
            server.subscribed();
            for (WorkerProcess w : workers) {
                w.send("HOLD");
            }
            server.holdStart();
            long holdStart = System.nanoTime();
            long holdEnd = holdStart + TimeUnit.SECONDS.toNanos(options.holdSeconds());
            while (System.nanoTime() < holdEnd) {
                Thread.sleep(Math.min(SAMPLE_INTERVAL_MILLIS,
                        Math.max(1, TimeUnit.NANOSECONDS.toMillis(holdEnd - System.nanoTime()))));
                server.sample();
                long now = System.nanoTime();
                progress.maybePrint(now, Progress.holding(TimeUnit.NANOSECONDS.toSeconds(now - holdStart),
                        options.holdSeconds()));
            }
            for (WorkerProcess w : workers) {
                w.expect("HELD", PHASE_SLACK_SECONDS);
            }
            server.holdEnd();
            List<JsonNode> results = new ArrayList<>();
            Runnable finishing = () -> progress.maybePrint(System.nanoTime(), "held; draining and closing");
            for (WorkerProcess w : workers) {
                results.add(json.readTree(w.expect("RESULT", options.drainSeconds() + PHASE_SLACK_SECONDS,
                        finishing)));
            }
            for (WorkerProcess w : workers) {
                w.awaitExit(PHASE_SLACK_SECONDS);
            }
            server.end();

            LoadReport report = new LoadReport(options, workerCount, results, ready,
                    allReadyMicros - connectStartMicros, server);
            ObjectNode out = report.toJson(json.createObjectNode());
            out.put("date", Instant.now().toString());
            System.out.print(report.table());
            System.out.flush();
            if (options.jsonFile() != null) {
                Files.writeString(options.jsonFile(), json.writerWithDefaultPrettyPrinter().writeValueAsString(out)
                        + "\n");
            }
            return report.passed();
        } finally {
            workers.forEach(WorkerProcess::kill);
        }
    }

    /**
     * The same java, JVM options and class path, the coordinator's flags minus --password-stdin (a worker gets the
     * password in its environment), plus the worker's.
     */
    private static List<String> workerCommand(String[] args, LoadOptions options, int index, int count) {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(options.workerJvmOptions());
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(LoadWorker.class.getName());
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--password-stdin")) {
                // A bare flag; a value after it ("true"/"false") goes too, as the parser reads it.
                if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
                    i++;
                }
            } else {
                command.add(args[i]);
            }
        }
        command.addAll(List.of("--worker-index", Integer.toString(index), "--worker-count", Integer.toString(count)));
        return command;
    }

    /** Server RSS and CPU at the run's milestones, and the peak RSS while holding; all zero without a PID. */
    static final class ServerSamples {
        private final ServerProbe probe;
        private final boolean fullGc;
        long heapBeforeBytes;
        long heapSubscribedBytes;
        long rssBeforeBytes;
        long rssSubscribedBytes;
        long rssHoldEndBytes;
        long rssPeakBytes;
        long rssEndBytes;
        long cpuBeforeNanos;
        long cpuHoldStartNanos;
        long cpuHoldEndNanos;
        long cpuEndNanos;
        long holdStartNanos;
        long holdEndNanos;

        ServerSamples(ServerProbe probe, boolean fullGc) {
            this.probe = probe;
            this.fullGc = fullGc && probe != null;
        }

        boolean fullGc() {
            return fullGc;
        }

        boolean present() {
            return probe != null;
        }

        void before() {
            if (fullGc) {
                heapBeforeBytes = probe.heapUsedAfterFullGcBytes();
            }
            if (probe != null) {
                rssBeforeBytes = probe.rssBytes();
                cpuBeforeNanos = probe.cpuNanos();
            }
        }

        void subscribed() {
            if (fullGc) {
                heapSubscribedBytes = probe.heapUsedAfterFullGcBytes();
            }
            if (probe != null) {
                rssSubscribedBytes = probe.rssBytes();
                rssPeakBytes = rssSubscribedBytes;
            }
        }

        void holdStart() {
            holdStartNanos = System.nanoTime();
            if (probe != null) {
                cpuHoldStartNanos = probe.cpuNanos();
            }
        }

        void sample() {
            if (probe != null) {
                rssPeakBytes = Math.max(rssPeakBytes, probe.rssBytes());
            }
        }

        void holdEnd() {
            holdEndNanos = System.nanoTime();
            if (probe != null) {
                cpuHoldEndNanos = probe.cpuNanos();
                rssHoldEndBytes = probe.rssBytes();
                rssPeakBytes = Math.max(rssPeakBytes, rssHoldEndBytes);
            }
        }

        void end() {
            if (probe != null) {
                rssEndBytes = probe.rssBytes();
                cpuEndNanos = probe.cpuNanos();
            }
        }
    }
}

package io.tickstorm.bench.attack;

import com.google.protobuf.MessageLite;
import io.tickstorm.protocol.FrameType;
import io.tickstorm.protocol.proto.AuthRequest;
import io.tickstorm.protocol.proto.DataBatch;
import io.tickstorm.protocol.proto.ErrorResponse;
import io.tickstorm.protocol.proto.HeartbeatRequest;
import io.tickstorm.protocol.proto.SubscribeRequest;
import io.tickstorm.protocol.proto.SubscriptionMode;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32C;
import org.HdrHistogram.Histogram;

/**
 * Outbound-budget attacks of issue 12 items 5 and 6 against a running plain-TCP server, with blocking sockets:
 *
 * <ul>
 *   <li>{@code flood}: one authenticated client writes HEARTBEAT (or AUTH) frames as fast as it can and never reads,
 *       while one REALTIME subscriber reads and records batch latency and sequence gaps;
 *   <li>{@code replay}: {@code --connections} clients each SUBSCRIBE SECOND with a start time at the oldest retained
 *       bar (a full replay) and never read.
 * </ul>
 *
 * Samples the server's RSS ({@code /proc/PID/status}) and direct memory (its {@code /metrics}) every 100 ms and
 * prints one line of results. Usage: {@code java -cp tick-storm-bench.jar io.tickstorm.bench.attack.OutboundAttack
 * flood|replay PORT METRICS_PORT SERVER_PID SECONDS [CONNECTIONS|heartbeat|auth|none]} ({@code none}: the attacker
 * connects but sends nothing, the control run); user and password from {@code TICK_STORM_USER} /
 * {@code TICK_STORM_PASSWORD}.
 */
public final class OutboundAttack {

    private static final Pattern DIRECT_RATIO =
            Pattern.compile("tick_storm_resource_usage_ratio\\{resource=\"direct_memory\",?} (\\S+)");
    private static final Pattern DIRECT_LIMIT =
            Pattern.compile("tick_storm_limit\\{resource=\"direct_memory_bytes\",?} (\\S+)");
    private static final Pattern PENDING = Pattern.compile("(?m)^tick_storm_outbound_pending_bytes (\\S+)$");
    private static final Pattern ERRORS = Pattern.compile("tick_storm_protocol_errors_total\\{code=\"(\\w+)\",?} (\\S+)");

    private final int port;
    private final int metricsPort;
    private final long pid;
    private final String user = System.getenv().getOrDefault("TICK_STORM_USER", "bench");
    private final String password = System.getenv().getOrDefault("TICK_STORM_PASSWORD", "bench");
    private final HttpClient http = HttpClient.newHttpClient();

    private OutboundAttack(int port, int metricsPort, long pid) {
        this.port = port;
        this.metricsPort = metricsPort;
        this.pid = pid;
    }

    public static void main(String[] args) throws Exception {
        OutboundAttack attack = new OutboundAttack(Integer.parseInt(args[1]), Integer.parseInt(args[2]),
                Long.parseLong(args[3]));
        int seconds = Integer.parseInt(args[4]);
        switch (args[0]) {
            case "flood" -> attack.flood(seconds, args.length > 5 ? args[5] : "heartbeat");
            case "replay" -> attack.replay(seconds, Integer.parseInt(args[5]));
            default -> throw new IllegalArgumentException("flood or replay, not " + args[0]);
        }
    }

    private void flood(int seconds, String frameKind) throws Exception {
        Sample before = sample();
        AtomicBoolean stop = new AtomicBoolean();
        Histogram latencyMs = new Histogram(60_000, 3);
        AtomicLong gaps = new AtomicLong();
        AtomicLong batches = new AtomicLong();
        Socket victim = connect(0);
        authenticate(victim);
        send(victim, FrameType.SUBSCRIBE, SubscribeRequest.newBuilder().setMode(SubscriptionMode.REALTIME).build());
        Thread reader = new Thread(() -> readVictim(victim, stop, latencyMs, gaps, batches), "victim");
        reader.start();
        Thread.sleep(1000);
        latencyMs.reset();

        Socket attacker = connect(4096);
        authenticate(attacker);
        boolean control = "none".equals(frameKind);
        byte[] one = "auth".equals(frameKind)
                ? frame(FrameType.AUTH, AuthRequest.newBuilder().setUsername(user).setPassword(password).build())
                : frame(FrameType.HEARTBEAT, HeartbeatRequest.newBuilder().setTimestampMs(1).setSequence(1).build());
        byte[] burst = new byte[one.length * (65_536 / one.length)];
        for (int at = 0; at + one.length <= burst.length; at += one.length) {
            System.arraycopy(one, 0, burst, at, one.length);
        }
        AtomicLong sentBytes = new AtomicLong();
        AtomicLong closedAfterNanos = new AtomicLong(-1);
        long startNanos = System.nanoTime();
        Thread writer = new Thread(() -> {
            try {
                OutputStream out = attacker.getOutputStream();
                while (!stop.get()) {
                    out.write(burst);
                    sentBytes.addAndGet(burst.length);
                }
            } catch (IOException closed) {
                closedAfterNanos.set(System.nanoTime() - startNanos);
            }
        }, "attacker");
        writer.setDaemon(true);
        if (!control) {
            writer.start();
        }
        Sample peak = before;
        long endNanos = startNanos + seconds * 1_000_000_000L;
        while (System.nanoTime() < endNanos) {
            Thread.sleep(100);
            peak = peak.max(sample());
        }
        stop.set(true);
        attacker.close();
        victim.close();
        reader.join(5000);
        String errors = errors();
        System.out.printf(Locale.ROOT, "flood(%s) %ds: attacker sent %.1f MB, write failed after %s; server RSS %d MB "
                        + "-> peak %d MB (+%d MB), direct %d MB -> peak %d MB; victim %d batches, gaps %d, latency "
                        + "p50 %d ms p99 %d ms max %d ms; peak queued outbound %s; errors sent %s%n", frameKind, seconds,
                sentBytes.get() / 1e6, closedAfterNanos.get() < 0 ? "never" : closedAfterNanos.get() / 1_000_000 + " ms",
                before.rss >> 20, peak.rss >> 20, (peak.rss - before.rss) >> 20, before.direct >> 20,
                peak.direct >> 20, batches.get(), gaps.get(), latencyMs.getValueAtPercentile(50),
                latencyMs.getValueAtPercentile(99), latencyMs.getMaxValue(),
                peak.pending < 0 ? "not exported" : (peak.pending >> 10) + " KiB", errors);
    }

    private void readVictim(Socket socket, AtomicBoolean stop, Histogram latencyMs, AtomicLong gaps,
            AtomicLong batches) {
        try {
            DataInputStream in = new DataInputStream(socket.getInputStream());
            long previous = -1;
            while (!stop.get()) {
                Frame received = read(in);
                if (received.type != FrameType.DATA_BATCH.code()) {
                    continue;
                }
                DataBatch batch = DataBatch.parseFrom(received.payload);
                long sequence = Integer.toUnsignedLong(batch.getBatchSequence());
                if (previous >= 0 && !batch.getIsSnapshot() && sequence != previous + 1) {
                    gaps.incrementAndGet();
                }
                previous = sequence;
                batches.incrementAndGet();
                if (!batch.getIsSnapshot() && batch.getTicksCount() > 0) {
                    long latency = System.currentTimeMillis() - batch.getTicks(0).getTimestampMs();
                    latencyMs.recordValue(Math.max(0, Math.min(latency, 60_000)));
                }
            }
        } catch (IOException ended) {
            // The run is over (or the server closed the victim, which the gap count and errors show).
        }
    }

    private void replay(int seconds, int connections) throws Exception {
        Sample before = sample();
        double cpuBefore = cpuSeconds();
        long startNanos = System.nanoTime();
        long startMs = System.currentTimeMillis() - 9 * 60_000 - 30_000;
        List<Socket> sockets = new ArrayList<>();
        Sample peak = before;
        for (int i = 0; i < connections; i++) {
            Socket socket = connect(4096);
            authenticate(socket);
            send(socket, FrameType.SUBSCRIBE, SubscribeRequest.newBuilder().setMode(SubscriptionMode.SECOND)
                    .setStartTimeMs(startMs).build());
            sockets.add(socket);
            if (i % 10 == 0) {
                peak = peak.max(sample());
            }
        }
        long connectedNanos = System.nanoTime();
        long endNanos = connectedNanos + seconds * 1_000_000_000L;
        while (System.nanoTime() < endNanos) {
            Thread.sleep(100);
            peak = peak.max(sample());
        }
        double connectSeconds = (connectedNanos - startNanos) / 1e9;
        double cpu = cpuSeconds() - cpuBefore;
        for (Socket socket : sockets) {
            socket.close();
        }
        System.out.printf(Locale.ROOT, "replay x%d held %ds: server RSS %d MB -> peak %d MB (+%.2f MB per "
                        + "connection), direct %d MB -> peak %d MB (+%.2f MB per connection); all subscribed in "
                        + "%.1f s; server CPU %.1f s; peak queued outbound %s; errors sent %s%n",
                connections, seconds, before.rss >> 20, peak.rss >> 20,
                (peak.rss - before.rss) / 1048576.0 / connections, before.direct >> 20, peak.direct >> 20,
                (peak.direct - before.direct) / 1048576.0 / connections, connectSeconds, cpu,
                peak.pending < 0 ? "not exported" : (peak.pending >> 10) + " KiB", errors());
    }

    private Socket connect(int receiveBufferBytes) throws IOException {
        Socket socket = new Socket();
        if (receiveBufferBytes > 0) {
            socket.setReceiveBufferSize(receiveBufferBytes);
        }
        socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
        socket.setTcpNoDelay(true);
        return socket;
    }

    private void authenticate(Socket socket) throws IOException {
        send(socket, FrameType.AUTH, AuthRequest.newBuilder().setUsername(user).setPassword(password)
                .setClientId("attack").build());
        socket.setSoTimeout(10_000);
        Frame answer = read(new DataInputStream(socket.getInputStream()));
        if (answer.type != FrameType.ACK.code()) {
            throw new IOException("AUTH answered with " + (answer.type == FrameType.ERROR.code()
                    ? ErrorResponse.parseFrom(answer.payload) : "type " + answer.type));
        }
        socket.setSoTimeout(0);
    }

    private static void send(Socket socket, FrameType type, MessageLite message) throws IOException {
        socket.getOutputStream().write(frame(type, message));
    }

    private static byte[] frame(FrameType type, MessageLite message) {
        byte[] payload = message.toByteArray();
        ByteBuffer frame = ByteBuffer.allocate(12 + payload.length);
        frame.putShort((short) 0xF57D).put((byte) 1).put((byte) type.code()).putInt(payload.length).put(payload);
        CRC32C crc = new CRC32C();
        crc.update(frame.array(), 0, 8 + payload.length);
        frame.putInt((int) crc.getValue());
        return frame.array();
    }

    private static Frame read(DataInputStream in) throws IOException {
        byte[] header = new byte[8];
        in.readFully(header);
        int length = ByteBuffer.wrap(header, 4, 4).getInt();
        byte[] payload = new byte[length];
        in.readFully(payload);
        in.readInt();
        return new Frame(header[3] & 0xFF, payload);
    }

    private Sample sample() {
        long rss = 0;
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    rss = Long.parseLong(line.replaceAll("\\D", "")) * 1024;
                }
            }
        } catch (IOException gone) {
            rss = -1;
        }
        String metrics = metrics();
        Matcher ratio = DIRECT_RATIO.matcher(metrics);
        Matcher limit = DIRECT_LIMIT.matcher(metrics);
        long direct = ratio.find() && limit.find()
                ? (long) (Double.parseDouble(ratio.group(1)) * Double.parseDouble(limit.group(1))) : -1;
        Matcher pending = PENDING.matcher(metrics);
        return new Sample(rss, direct, pending.find() ? (long) Double.parseDouble(pending.group(1)) : -1);
    }

    /** The server's user + system CPU time ({@code /proc/PID/stat}, fields 14 and 15, at 100 ticks per second). */
    private double cpuSeconds() {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
            return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / 100.0;
        } catch (IOException gone) {
            return -1;
        }
    }

    private String errors() {
        Matcher m = ERRORS.matcher(metrics());
        List<String> sent = new ArrayList<>();
        while (m.find()) {
            if (Double.parseDouble(m.group(2)) > 0) {
                sent.add(m.group(1) + "=" + (long) Double.parseDouble(m.group(2)));
            }
        }
        return sent.isEmpty() ? "none" : String.join(",", sent);
    }

    private String metrics() {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private record Frame(int type, byte[] payload) {
    }

    /** Resident memory, direct memory and queued outbound bytes (-1 where the server does not export them). */
    private record Sample(long rss, long direct, long pending) {
        Sample max(Sample other) {
            return new Sample(Math.max(rss, other.rss), Math.max(direct, other.direct),
                    Math.max(pending, other.pending));
        }
    }
}

package io.tickstorm.bench.attack;

import io.tickstorm.protocol.FrameType;
import io.tickstorm.protocol.proto.AuthRequest;
import io.tickstorm.protocol.proto.DataBatch;
import io.tickstorm.protocol.proto.ErrorResponse;
import io.tickstorm.protocol.proto.SubscribeRequest;
import io.tickstorm.protocol.proto.SubscriptionMode;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.CRC32C;

/**
 * Issue 12 item 1 as an attacker runs it, with what it costs the server measured on the way: N unauthenticated
 * connections, spread over several source addresses, each sending a header that announces {@code --announce} bytes
 * and then {@code --send} bytes of payload (so most of a large frame), held for {@code --hold-seconds}, then closed;
 * or, with {@code --mode auth-pipelined}, each sending an AUTH with a wrong password of its own (every one costs a
 * hash, so they wait for the hash thread) followed by {@code --pipelined} maximal (64 KiB) frames.
 * Meanwhile one authenticated SECOND subscriber counts its batches, sequence gaps and any ERROR. After the attackers
 * close it tries a login every second and reports when the first one succeeds. {@code --subscriber 0} leaves the
 * subscriber out (then no connection remains once the attackers are gone).
 *
 * <p>Every second it prints the server's direct memory (its resource monitor's value: usage ratio times the
 * direct-memory limit, from {@code /metrics}), its RSS ({@code /proc/PID/status}), readiness and liveness; the
 * summary has the peaks and the values at the end. Plain TCP only (TLS would add the handshakes, not change what
 * the server buffers). Password from {@code TICK_STORM_PASSWORD}.
 *
 * <pre>
 * TICK_STORM_PASSWORD=... java -cp bench/target/tick-storm-bench.jar io.tickstorm.bench.attack.PreAuthFlood \
 *     --port 8080 --metrics-port 9090 --server-pid PID --connections 7000 --source-addresses 8
 * </pre>
 */
public final class PreAuthFlood {

    private static final Duration HTTP_TIMEOUT = Duration.ofSeconds(5);

    private final Map<String, String> options;
    private final String host;
    private final int port;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(HTTP_TIMEOUT).build();
    private final long pid;
    private final String user;
    private final String password;
    private long peakDirect;
    private long peakRss;

    private PreAuthFlood(Map<String, String> options) {
        this.options = options;
        this.host = options.getOrDefault("--host", "127.0.0.1");
        this.port = Integer.parseInt(required("--port"));
        this.pid = Long.parseLong(options.getOrDefault("--server-pid", "0"));
        this.user = options.getOrDefault("--user", "tickstorm");
        this.password = System.getenv().getOrDefault("TICK_STORM_PASSWORD", "");
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            options.put(args[i], args[i + 1]);
        }
        if (!options.containsKey("--port") || !options.containsKey("--metrics-port")) {
            System.err.println("usage: PreAuthFlood --port P --metrics-port M [--host 127.0.0.1] [--server-pid PID]"
                    + " [--connections 7000] [--source-addresses 8] [--announce 65536] [--send 60000]"
                    + " [--hold-seconds 20] [--after-seconds 60] [--subscriber 1] [--mode partial|auth-pipelined]"
                    + " [--pipelined 16] [--user tickstorm];"
                    + " password in TICK_STORM_PASSWORD");
            System.exit(2);
        }
        new PreAuthFlood(options).run();
    }

    private String required(String name) {
        String value = options.get(name);
        if (value == null) {
            throw new IllegalArgumentException(name + " is required");
        }
        return value;
    }

    private int intOption(String name, int fallback) {
        return Integer.parseInt(options.getOrDefault(name, Integer.toString(fallback)));
    }

    private void run() throws Exception {
        int connections = intOption("--connections", 7000);
        int sources = intOption("--source-addresses", 8);
        int announce = intOption("--announce", 65_536);
        int send = intOption("--send", 60_000);
        int holdSeconds = intOption("--hold-seconds", 20);
        int afterSeconds = intOption("--after-seconds", 60);
        sample("baseline");

        Subscriber subscriber = intOption("--subscriber", 1) > 0 ? new Subscriber(login()) : null;
        if (subscriber != null) {
            subscriber.start();
        }

        String mode = options.getOrDefault("--mode", "partial");
        if (mode.equals("tls-dribble")) {
            tlsDribble(connections, sources, intOption("--dribble-bytes", 4000), holdSeconds);
            return;
        }
        boolean pipelining = "auth-pipelined".equals(mode);
        byte[] partial = ByteBuffer.allocate(8 + send).put((byte) 0xF5).put((byte) 0x7D).put((byte) 1)
                .put((byte) FrameType.AUTH.code()).putInt(announce).array();
        byte[] maximal = frame(FrameType.HEARTBEAT, new byte[65_536]);
        int pipelined = intOption("--pipelined", 16);
        List<SocketChannel> open = new ArrayList<>(connections);
        List<ByteBuffer> unsent = new ArrayList<>(connections);
        long started = System.nanoTime();
        int failedConnects = 0;
        for (int i = 0; i < connections; i++) {
            try {
                SocketChannel channel = SocketChannel.open();
                channel.bind(new InetSocketAddress(InetAddress.getByName("127.0.0." + (2 + i % sources)), 0));
                channel.connect(new InetSocketAddress(host, port));
                channel.configureBlocking(false);
                ByteBuffer bytes = ByteBuffer.wrap(pipelining ? authThenPipelined(i, maximal, pipelined) : partial);
                channel.write(bytes);
                open.add(channel);
                unsent.add(bytes);
            } catch (IOException e) {
                failedConnects++;
            }
            if (i % 1000 == 999) {
                sample("flood " + (i + 1));
            }
        }
        System.out.printf("flood: %d connections opened in %.1f s, %d failed to connect%n", open.size(),
                (System.nanoTime() - started) / 1e9, failedConnects);
        for (int s = 0; s < holdSeconds; s++) {
            keepWriting(open, unsent);
            Thread.sleep(1000);
            sample("hold " + (s + 1) + "s");
        }
        Map<String, Integer> answers = answers(open);
        System.out.println("flood: what the server did with the attacking connections: " + answers);
        for (SocketChannel channel : open) {
            channel.close();
        }
        long closedNanos = System.nanoTime();
        String firstLogin = "none within " + afterSeconds + " s";
        String lastFailure = "";
        for (int s = 0; s < afterSeconds; s++) {
            Thread.sleep(1000);
            sample("after " + (s + 1) + "s");
            if (firstLogin.startsWith("none")) {
                try (Socket socket = login()) {
                    firstLogin = String.format("%.1f s after the attackers closed",
                            (System.nanoTime() - closedNanos) / 1e9);
                } catch (IOException | IllegalStateException e) {
                    lastFailure = e.getMessage();
                }
            }
        }
        if (subscriber != null) {
            subscriber.finish();
        }
        System.out.printf("summary: peak direct %d MiB, peak RSS %d MiB; end direct %d MiB, end RSS %d MiB;"
                + " first login: %s%s; subscriber: %s; attackers: %s%n", peakDirect >> 20, peakRss >> 20, directBytes() >> 20,
                rssBytes() >> 20, firstLogin, lastFailure.isEmpty() ? "" : " (last failure: " + lastFailure + ")",
                subscriber == null ? "none" : subscriber.report(), answers);
    }

    /**
     * Against a TLS listener: each connection announces a 16 KiB TLS record and then sends it one byte per TCP
     * segment, round-robin over all connections, so that every byte is a read of its own on the server. What the
     * server holds per connection is then set by how its TLS decoder accumulates partial records, not by the bytes.
     */
    private void tlsDribble(int connections, int sources, int dribbleBytes, int holdSeconds) throws Exception {
        List<SocketChannel> open = new ArrayList<>(connections);
        for (int i = 0; i < connections; i++) {
            SocketChannel channel = SocketChannel.open();
            channel.bind(new InetSocketAddress(InetAddress.getByName("127.0.0." + (2 + i % sources)), 0));
            channel.setOption(java.net.StandardSocketOptions.TCP_NODELAY, true);
            channel.connect(new InetSocketAddress(host, port));
            channel.configureBlocking(false);
            // A handshake record announcing 16,384 bytes: the server's TLS decoder waits for all of it.
            channel.write(ByteBuffer.wrap(new byte[] {0x16, 0x03, 0x01, 0x40, 0x00}));
            open.add(channel);
        }
        sample("connected");
        ByteBuffer one = ByteBuffer.allocate(1);
        long started = System.nanoTime();
        for (int b = 0; b < dribbleBytes; b++) {
            for (SocketChannel channel : open) {
                one.clear();
                try {
                    channel.write(one);
                } catch (IOException closed) {
                    // Counted below.
                }
            }
            if (b % 1000 == 999) {
                sample("dribbled " + (b + 1));
            }
        }
        System.out.printf("dribble: %d bytes on each of %d connections in %.1f s%n", dribbleBytes, open.size(),
                (System.nanoTime() - started) / 1e9);
        for (int s = 0; s < holdSeconds; s++) {
            Thread.sleep(1000);
            sample("hold " + (s + 1) + "s");
        }
        System.out.println("dribble: " + answers(open));
        for (SocketChannel channel : open) {
            channel.close();
        }
        System.out.printf("summary: peak direct %d MiB, peak RSS %d MiB%n", peakDirect >> 20, peakRss >> 20);
    }

    /** An AUTH with a password of its own (so every one costs a hash) and maximal frames pipelined behind it. */
    private byte[] authThenPipelined(int i, byte[] maximal, int pipelined) {
        byte[] auth = frame(FrameType.AUTH, AuthRequest.newBuilder().setUsername(user).setPassword("guess-" + i)
                .build().toByteArray());
        ByteBuffer all = ByteBuffer.allocate(auth.length + pipelined * maximal.length).put(auth);
        for (int k = 0; k < pipelined; k++) {
            all.put(maximal);
        }
        return all.array();
    }

    /** Pushes the rest of each half-sent frame, as far as the server reads it. */
    private static void keepWriting(List<SocketChannel> open, List<ByteBuffer> unsent) {
        for (int i = 0; i < open.size(); i++) {
            ByteBuffer bytes = unsent.get(i);
            if (bytes.hasRemaining()) {
                try {
                    open.get(i).write(bytes);
                } catch (IOException closed) {
                    bytes.position(bytes.limit());
                }
            }
        }
    }

    /** For each attacking connection: still open and silent, or closed by the server (with which ERROR first). */
    private static Map<String, Integer> answers(List<SocketChannel> open) {
        Map<String, Integer> counts = new TreeMap<>();
        ByteBuffer header = ByteBuffer.allocate(8 + 256);
        for (SocketChannel channel : open) {
            header.clear();
            String answer;
            try {
                int n = channel.read(header);
                if (n < 0) {
                    answer = "closed without ERROR";
                } else if (n == 0) {
                    answer = "open, no answer";
                } else {
                    answer = describe(header);
                }
            } catch (IOException e) {
                answer = "reset";
            }
            counts.merge(answer, 1, Integer::sum);
        }
        return counts;
    }

    private static String describe(ByteBuffer received) {
        received.flip();
        if (received.remaining() < 8 || received.get(3) != FrameType.ERROR.code()) {
            return "other frame";
        }
        int length = received.getInt(4);
        if (received.remaining() < 8 + length) {
            return "ERROR (truncated)";
        }
        byte[] payload = new byte[length];
        received.position(8);
        received.get(payload);
        try {
            return "ERROR " + ErrorResponse.parseFrom(payload).getCode();
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            return "ERROR (unparseable)";
        }
    }

    private void sample(String phase) {
        long direct = directBytes();
        long rss = rssBytes();
        peakDirect = Math.max(peakDirect, direct);
        peakRss = Math.max(peakRss, rss);
        System.out.printf("%-12s direct %5d MiB  rss %5d MiB  unauthenticated %6.0f  pre-auth held %8.0f B  ready %d"
                + "  live %d%n", phase, direct >> 20, rss >> 20, metric("tick_storm_unauthenticated_connections"),
                metric("tick_storm_pre_auth_buffered_bytes"), status("/health/ready"), status("/health/live"));
    }

    private long directBytes() {
        return (long) (metric("tick_storm_resource_usage_ratio{resource=\"direct_memory\",}")
                * metric("tick_storm_limit{resource=\"direct_memory_bytes\",}"));
    }

    private long rssBytes() {
        if (pid <= 0) {
            return 0;
        }
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException gone) {
            return 0;
        }
        return 0;
    }

    private double metric(String series) {
        try {
            String body = get("/metrics").body();
            for (String line : body.split("\n")) {
                if (line.startsWith(series + " ")) {
                    return Double.parseDouble(line.substring(series.length() + 1));
                }
            }
        } catch (IOException | InterruptedException | RuntimeException e) {
            return Double.NaN;
        }
        return 0;
    }

    private int status(String path) {
        try {
            return get(path).statusCode();
        } catch (IOException | InterruptedException e) {
            return -1;
        }
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        URI uri = URI.create("http://" + host + ":" + required("--metrics-port") + path);
        return http.send(HttpRequest.newBuilder(uri).timeout(HTTP_TIMEOUT).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** An authenticated socket (from 127.0.0.1), or an exception naming what the server answered. */
    private Socket login() throws IOException {
        Socket socket = new Socket();
        boolean ok = false;
        try {
            socket.setSoTimeout(10_000);
            socket.connect(new InetSocketAddress(host, port), 10_000);
            write(socket.getOutputStream(), FrameType.AUTH, AuthRequest.newBuilder().setUsername(user)
                    .setPassword(password).setClientId("pre-auth-flood").build().toByteArray());
            Frame answer = Frame.read(new DataInputStream(socket.getInputStream()));
            if (answer.type != FrameType.ACK.code()) {
                throw new IllegalStateException("login answered with " + answer);
            }
            ok = true;
            return socket;
        } finally {
            if (!ok) {
                socket.close();
            }
        }
    }

    private static void write(OutputStream out, FrameType type, byte[] payload) throws IOException {
        out.write(frame(type, payload));
        out.flush();
    }

    private static byte[] frame(FrameType type, byte[] payload) {
        ByteBuffer frame = ByteBuffer.allocate(12 + payload.length);
        frame.put((byte) 0xF5).put((byte) 0x7D).put((byte) 1).put((byte) type.code()).putInt(payload.length)
                .put(payload);
        CRC32C crc = new CRC32C();
        crc.update(frame.array(), 0, 8 + payload.length);
        frame.putInt((int) crc.getValue());
        return frame.array();
    }

    /** One received frame (CRC not checked: this is a measuring tool, the server's tests check the codec). */
    private record Frame(int type, byte[] payload) {
        static Frame read(DataInputStream in) throws IOException {
            int magicVersion = in.readInt();
            int length = in.readInt();
            byte[] payload = new byte[length];
            in.readFully(payload);
            in.readInt();
            return new Frame(magicVersion & 0xFF, payload);
        }

        @Override
        public String toString() {
            if (type == FrameType.ERROR.code()) {
                try {
                    ErrorResponse error = ErrorResponse.parseFrom(payload);
                    return "ERROR " + error.getCode() + " (" + error.getDetails() + ")";
                } catch (com.google.protobuf.InvalidProtocolBufferException e) {
                    return "ERROR (unparseable)";
                }
            }
            return "frame type " + type;
        }
    }

    /** The authenticated SECOND subscriber whose stream the attack must not disturb. */
    private static final class Subscriber extends Thread {
        private final Socket socket;
        private volatile long batches;
        private volatile long gaps;
        private volatile String end = "open";

        Subscriber(Socket socket) throws IOException {
            super("subscriber");
            setDaemon(true);
            this.socket = socket;
            socket.setSoTimeout(0);
            write(socket.getOutputStream(), FrameType.SUBSCRIBE, SubscribeRequest.newBuilder()
                    .setMode(SubscriptionMode.SECOND).build().toByteArray());
        }

        @Override
        public void run() {
            long previous = -1;
            Thread heartbeats = new Thread(this::heartbeat, "subscriber-heartbeat");
            heartbeats.setDaemon(true);
            heartbeats.start();
            try {
                DataInputStream in = new DataInputStream(socket.getInputStream());
                while (true) {
                    Frame frame = Frame.read(in);
                    if (frame.type == FrameType.ERROR.code()) {
                        end = "closed with " + frame;
                        return;
                    }
                    if (frame.type == FrameType.DATA_BATCH.code()) {
                        long sequence = DataBatch.parseFrom(frame.payload).getBatchSequence();
                        if (previous >= 0 && sequence != previous + 1) {
                            gaps += sequence - previous - 1;
                        }
                        previous = sequence;
                        batches++;
                    }
                }
            } catch (EOFException e) {
                end = "closed without ERROR";
            } catch (IOException e) {
                if (!"stopped".equals(end)) {
                    end = "failed: " + e;
                }
            } finally {
                heartbeats.interrupt();
            }
        }

        /** A HEARTBEAT every 10 s, whatever arrives (the server's timeout is 20 s). */
        private void heartbeat() {
            try {
                while (true) {
                    Thread.sleep(10_000);
                    synchronized (socket) {
                        write(socket.getOutputStream(), FrameType.HEARTBEAT, new byte[0]);
                    }
                }
            } catch (InterruptedException | IOException stopped) {
                // The subscriber is done.
            }
        }

        void finish() throws IOException {
            if ("open".equals(end)) {
                end = "stopped";
            }
            socket.close();
        }

        String report() {
            return batches + " batches, " + gaps + " missing, " + ("stopped".equals(end) ? "never closed" : end);
        }
    }
}

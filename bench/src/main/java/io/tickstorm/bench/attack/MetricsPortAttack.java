package io.tickstorm.bench.attack;

import io.tickstorm.protocol.client.TickClient;
import io.tickstorm.protocol.client.TickClientException;
import io.tickstorm.protocol.client.TickClientOptions;
import io.tickstorm.protocol.client.TickListener;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Attacks on the metrics and health port (issue 12, items 2 and 3), against a running server:
 *
 * <pre>
 *   slowloris METRICS_PORT ATTACKERS LINE_INTERVAL_MS SECONDS
 *       ATTACKERS connections each send a request line, then one header line every LINE_INTERVAL_MS and never
 *       finish; meanwhile a fresh GET /health/live every second; prints how long each probe took to answer.
 *   idle METRICS_PORT IDLE TICK_PORT TICK_CLIENTS USER
 *       holds IDLE connections to the metrics port that send nothing, waits 3 s (the breach monitor samples every
 *       second), then logs TICK_CLIENTS clients in on the tick port (plain TCP; password in TICK_STORM_PASSWORD)
 *       and prints how many were admitted, and the status of /health/live and /health/ready.
 * </pre>
 * Everything is on 127.0.0.1. Probes give up after {@value #PROBE_TIMEOUT_MILLIS} ms (counted as unanswered).
 */
public final class MetricsPortAttack {

    private static final int PROBE_TIMEOUT_MILLIS = 30_000;
    private static final String HOST = "127.0.0.1";

    private MetricsPortAttack() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 5 && args[0].equals("slowloris")) {
            slowloris(Integer.parseInt(args[1]), Integer.parseInt(args[2]), Long.parseLong(args[3]),
                    Integer.parseInt(args[4]));
        } else if (args.length == 6 && args[0].equals("idle")) {
            idle(Integer.parseInt(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]),
                    Integer.parseInt(args[4]), args[5]);
        } else {
            System.err.println("usage: slowloris METRICS_PORT ATTACKERS LINE_INTERVAL_MS SECONDS\n"
                    + "       idle METRICS_PORT IDLE TICK_PORT TICK_CLIENTS USER   (password in TICK_STORM_PASSWORD)");
            System.exit(2);
        }
    }

    private static void slowloris(int port, int attackers, long lineIntervalMillis, int seconds) throws Exception {
        List<Socket> held = new ArrayList<>();
        ScheduledExecutorService dripper = Executors.newSingleThreadScheduledExecutor();
        try {
            for (int i = 0; i < attackers; i++) {
                Socket s = new Socket();
                s.connect(new InetSocketAddress(HOST, port), 5_000);
                s.getOutputStream().write("GET /metrics HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
                held.add(s);
            }
            dripper.scheduleAtFixedRate(() -> {
                for (Socket s : held) {
                    try {
                        s.getOutputStream().write("X-Slow: 1\r\n".getBytes(StandardCharsets.US_ASCII));
                    } catch (IOException e) {
                        // closed by the server: that is what a defence does; keep dripping on the others
                    }
                }
            }, lineIntervalMillis, lineIntervalMillis, TimeUnit.MILLISECONDS);
            List<Long> millis = new ArrayList<>();
            int unanswered = 0;
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            while (System.nanoTime() - end < 0) {
                long start = System.nanoTime();
                int status = get(port, "/health/live");
                long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                if (status == 200) {
                    millis.add(took);
                } else {
                    unanswered++;
                }
                System.out.printf(Locale.ROOT, "probe /health/live: %s after %d ms%n",
                        status > 0 ? "HTTP " + status : "no answer", took);
                Thread.sleep(Math.max(0, 1_000 - took));
            }
            long closedByServer = held.stream().filter(MetricsPortAttack::closedByPeer).count();
            millis.sort(null);
            System.out.printf(Locale.ROOT, "slowloris attackers=%d line-interval=%d ms: probes 200=%d unanswered=%d, "
                    + "max %d ms, median %d ms; attacker connections closed by the server: %d%n", attackers,
                    lineIntervalMillis, millis.size(), unanswered, millis.isEmpty() ? -1 : millis.get(millis.size() - 1),
                    millis.isEmpty() ? -1 : millis.get(millis.size() / 2), closedByServer);
        } finally {
            dripper.shutdownNow();
            for (Socket s : held) {
                s.close();
            }
        }
    }

    private static void idle(int metricsPort, int idle, int tickPort, int tickClients, String user) throws Exception {
        String password = System.getenv("TICK_STORM_PASSWORD");
        if (password == null) {
            throw new IllegalArgumentException("set TICK_STORM_PASSWORD");
        }
        List<Socket> held = new ArrayList<>();
        try {
            for (int i = 0; i < idle; i++) {
                Socket s = new Socket();
                s.connect(new InetSocketAddress(HOST, metricsPort), 5_000);
                held.add(s);
            }
            Thread.sleep(3_000);
            Map<String, Integer> outcomes = new TreeMap<>();
            TickClientOptions options = TickClientOptions.builder().host(HOST).port(tickPort).tls(false)
                    .credentials(user, password).heartbeatInterval(Duration.ZERO).build();
            for (int i = 0; i < tickClients; i++) {
                try (TickClient client = new TickClient(options, new TickListener() { })) {
                    client.connectAndAuthenticate();
                    outcomes.merge("ACK", 1, Integer::sum);
                } catch (TickClientException e) {
                    outcomes.merge(e.fromServer() ? e.code().name() + " \"" + e.details() + "\"" : e.getMessage(), 1,
                            Integer::sum);
                }
            }
            long stillOpen = held.stream().filter(s -> !closedByPeer(s)).count();
            System.out.printf(Locale.ROOT, "idle metrics connections=%d (still open: %d): tick logins %s; "
                    + "/health/live %d, /health/ready %d%n", idle, stillOpen, outcomes, get(metricsPort, "/health/live"),
                    get(metricsPort, "/health/ready"));
        } finally {
            for (Socket s : held) {
                s.close();
            }
        }
    }

    /** Status of a one-shot GET on a fresh connection; 0 when nothing came back within the probe timeout. */
    private static int get(int port, String path) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(HOST, port), PROBE_TIMEOUT_MILLIS);
            s.setSoTimeout(PROBE_TIMEOUT_MILLIS);
            OutputStream out = s.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            byte[] head = s.getInputStream().readNBytes(12);
            String line = new String(head, StandardCharsets.US_ASCII);
            return line.startsWith("HTTP/1.") && line.length() == 12 ? Integer.parseInt(line.substring(9, 12)) : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    /** Whether the server closed (or reset) this socket: a read returns end of stream or fails. */
    private static boolean closedByPeer(Socket s) {
        try {
            s.setSoTimeout(1);
            InputStream in = s.getInputStream();
            return in.read() < 0;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }
}

package io.tickstorm.server.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Idle TCP connections held by a separate JVM. A test that holds the client ends in its own JVM, which is also the
 * server's, would count them against the server's descriptors; in a child process only the server's ends count,
 * as with a real attacker. The child connects, reports, and holds every socket until its stdin closes
 * ({@link #close()}); it exits by itself if the test JVM dies.
 */
public final class IdleSocketsProcess implements AutoCloseable {

    private static final String READY = "connected ";
    private static final long START_TIMEOUT_SECONDS = 60;

    private final Process process;

    private IdleSocketsProcess(Process process) {
        this.process = process;
    }

    /** Starts a child that opens {@code count} connections to {@code target}; returns once all are connected. */
    public static IdleSocketsProcess open(InetSocketAddress target, int count) throws IOException,
            InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process process = new ProcessBuilder(java, "-Xmx32m", "-XX:+UseSerialGC", "-cp",
                System.getProperty("java.class.path"), IdleSocketsProcess.class.getName(),
                target.getHostString(), Integer.toString(target.getPort()), Integer.toString(count))
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        IdleSocketsProcess child = new IdleSocketsProcess(process);
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.US_ASCII));
            String[] line = new String[1];
            Thread reader = new Thread(() -> {
                try {
                    line[0] = out.readLine();
                } catch (IOException e) {
                    line[0] = null;
                }
            }, "idle-sockets-reader");
            reader.setDaemon(true);
            reader.start();
            reader.join(TimeUnit.SECONDS.toMillis(START_TIMEOUT_SECONDS));
            if (line[0] == null || !line[0].equals(READY + count)) {
                throw new IOException("idle-sockets child did not connect " + count + " sockets: " + line[0]);
            }
            return child;
        } catch (IOException | InterruptedException | RuntimeException e) {
            child.close();
            throw e;
        }
    }

    /** Closes the child's stdin, which closes its sockets and ends it; kills it if it lingers. */
    @Override
    public void close() throws InterruptedException {
        try {
            process.getOutputStream().close();
        } catch (IOException e) {
            // already gone
        }
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** The child: {@code host port count}. */
    public static void main(String[] args) throws IOException {
        InetSocketAddress target = new InetSocketAddress(args[0], Integer.parseInt(args[1]));
        int count = Integer.parseInt(args[2]);
        List<Socket> sockets = new ArrayList<>(count);
        try {
            for (int i = 0; i < count; i++) {
                Socket socket = new Socket();
                sockets.add(socket);
                socket.connect(target, 5_000);
            }
            System.out.println(READY + count);
            System.out.flush();
            while (System.in.read() >= 0) {
                // hold until the parent closes our stdin (or dies)
            }
        } finally {
            for (Socket socket : sockets) {
                socket.close();
            }
        }
    }
}

package io.tickstorm.server.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An authenticated client that writes one frame over and over, as fast as the socket takes it, and never reads
 * (issue 12 item 5). Its receive buffer is set small before it connects, so that the server soon has to hold what it
 * answers. The writer thread ends when the server closes the connection or {@link #close()} is called.
 */
public final class FloodingClient implements AutoCloseable {

    private static final int BLOCK_BYTES = 64 * 1024;

    private final RawClient client;
    private final Thread writer;
    private final AtomicLong sentBytes = new AtomicLong();

    private FloodingClient(RawClient client, byte[] frame) {
        this.client = client;
        byte[] block = new byte[frame.length * Math.max(1, BLOCK_BYTES / frame.length)];
        for (int at = 0; at < block.length; at += frame.length) {
            System.arraycopy(frame, 0, block, at, frame.length);
        }
        this.writer = new Thread(() -> flood(block), "flooding-client");
        writer.setDaemon(true);
    }

    /** Connects with a small receive buffer, authenticates as the test user, then floods with {@code frame}. */
    public static FloodingClient start(InetSocketAddress address, byte[] frame) throws IOException {
        RawClient client = RawClient.connectWithReceiveBuffer(address, 4096);
        client.authenticate();
        FloodingClient flooding = new FloodingClient(client, frame);
        flooding.writer.start();
        return flooding;
    }

    private void flood(byte[] block) {
        try {
            OutputStream out = client.socket().getOutputStream();
            while (!Thread.currentThread().isInterrupted()) {
                out.write(block);
                sentBytes.addAndGet(block.length);
            }
        } catch (IOException closed) {
            // The server closed the connection (or the test did): the flood is over.
        }
    }

    public long sentBytes() {
        return sentBytes.get();
    }

    /** Whether the server closed the connection (the flood's write failed) within {@code timeoutMillis}. */
    public boolean awaitClosedByServer(long timeoutMillis) throws InterruptedException {
        writer.join(timeoutMillis);
        return !writer.isAlive();
    }

    @Override
    public void close() throws IOException, InterruptedException {
        client.close();
        writer.join(10_000);
    }
}

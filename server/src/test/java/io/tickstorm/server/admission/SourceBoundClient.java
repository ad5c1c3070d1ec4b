package io.tickstorm.server.admission;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tickstorm.protocol.FrameType;
import io.tickstorm.protocol.proto.AckResponse;
import io.tickstorm.protocol.proto.AuthRequest;
import io.tickstorm.protocol.proto.ErrorCode;
import io.tickstorm.protocol.proto.ErrorResponse;
import io.tickstorm.server.testing.RawClient;
import io.tickstorm.server.testing.RawClient.Received;
import io.tickstorm.server.testing.TestServers;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * A blocking raw-frame client whose socket is bound to a chosen loopback source address (all of 127.0.0.0/8 is
 * usable), so admission tests can play several peers from one host. {@link RawClient} always connects from the
 * kernel's choice (127.0.0.1); this reuses its framing ({@link RawClient#frame}) and frame record and reads frames
 * the same way.
 */
final class SourceBoundClient implements AutoCloseable {

    private final Socket socket;
    private final DataInputStream in;

    private SourceBoundClient(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(socket.getInputStream());
    }

    /** Connects to the server's port on 127.0.0.1 from {@code sourceIp} (any free port). */
    static SourceBoundClient connect(String sourceIp, InetSocketAddress server) throws IOException {
        Socket socket = new Socket();
        try {
            socket.setSoTimeout(RawClient.READ_TIMEOUT_MS);
            socket.bind(new InetSocketAddress(InetAddress.getByName(sourceIp), 0));
            socket.connect(new InetSocketAddress("127.0.0.1", server.getPort()), RawClient.READ_TIMEOUT_MS);
            return new SourceBoundClient(socket);
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    /** The address the server sees as the peer. */
    InetAddress source() {
        return socket.getLocalAddress();
    }

    /** AUTH with the test user; asserts the ACK. */
    void authenticate() throws IOException {
        byte[] auth = AuthRequest.newBuilder().setUsername(TestServers.USER).setPassword(TestServers.PASSWORD)
                .setClientId("bound").build().toByteArray();
        socket.getOutputStream().write(RawClient.frame(FrameType.AUTH.code(), auth));
        socket.getOutputStream().flush();
        Received ack = read();
        assertEquals(FrameType.ACK.code(), ack.type(), () -> "expected ACK, got " + ack);
        assertTrue(ack.as(AckResponse.class).getSuccess(), "AUTH acknowledged as success");
    }

    /** Reads ERROR {@code code}, then asserts the server closed with nothing after it. */
    ErrorResponse expectErrorThenClose(ErrorCode code) throws IOException {
        Received frame = read();
        assertEquals(FrameType.ERROR.code(), frame.type(), () -> "expected ERROR " + code + ", got " + frame);
        ErrorResponse error = frame.as(ErrorResponse.class);
        assertEquals(code, error.getCode(), () -> "error " + error);
        try {
            Received extra = read();
            throw new AssertionError("expected the connection to close, got " + extra);
        } catch (EOFException | SocketException closed) {
            // Closed as expected.
        }
        return error;
    }

    private Received read() throws IOException {
        byte[] header = new byte[8];
        in.readFully(header);
        ByteBuffer h = ByteBuffer.wrap(header);
        assertEquals((short) 0xF57D, h.getShort(), "magic");
        assertEquals(1, h.get(), "version");
        int type = h.get() & 0xFF;
        int length = h.getInt();
        assertTrue(length >= 0 && length <= 65_536, "length " + length);
        byte[] payload = new byte[length];
        in.readFully(payload);
        int crc = in.readInt();
        CRC32C expected = new CRC32C();
        expected.update(header);
        expected.update(payload);
        assertEquals((int) expected.getValue(), crc, "CRC-32C");
        return new Received(type, payload);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}

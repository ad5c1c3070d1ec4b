package io.tickstorm.server.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import io.tickstorm.protocol.FrameType;
import io.tickstorm.protocol.proto.AckResponse;
import io.tickstorm.protocol.proto.AuthRequest;
import io.tickstorm.protocol.proto.DataBatch;
import io.tickstorm.protocol.proto.ErrorCode;
import io.tickstorm.protocol.proto.ErrorResponse;
import io.tickstorm.protocol.proto.HeartbeatRequest;
import io.tickstorm.protocol.proto.MessageType;
import io.tickstorm.protocol.proto.SubscribeRequest;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.zip.CRC32C;
import javax.net.ssl.SSLContext;

/**
 * A deliberately independent, blocking client that speaks PROTOCOL.md from the bytes up (java.net sockets, its own
 * framing and CRC-32C, no Netty and no code of the server's codec), so integration tests check the server against
 * the document, not against itself. Reads time out after {@value #READ_TIMEOUT_MS} ms.
 */
public final class RawClient implements AutoCloseable {

    public static final int READ_TIMEOUT_MS = 10_000;

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;

    private RawClient(Socket socket) throws IOException {
        this.socket = socket;
        socket.setSoTimeout(READ_TIMEOUT_MS);
        socket.setTcpNoDelay(true);
        this.in = new DataInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    public static RawClient connect(InetSocketAddress address) throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", address.getPort()), READ_TIMEOUT_MS);
        return new RawClient(socket);
    }

    /**
     * Connects with a receive buffer of {@code bytes}, set before the connection so that the window the server sees
     * is small from the start (a client that will not read).
     */
    public static RawClient connectWithReceiveBuffer(InetSocketAddress address, int bytes) throws IOException {
        Socket socket = new Socket();
        socket.setReceiveBufferSize(bytes);
        socket.connect(new InetSocketAddress("127.0.0.1", address.getPort()), READ_TIMEOUT_MS);
        return new RawClient(socket);
    }

    /** Connects from {@code sourceIp} (any address of 127.0.0.0/8), so one host can play several peers. */
    public static RawClient connectFrom(String sourceIp, InetSocketAddress address) throws IOException {
        Socket socket = new Socket();
        try {
            socket.bind(new InetSocketAddress(java.net.InetAddress.getByName(sourceIp), 0));
            socket.connect(new InetSocketAddress("127.0.0.1", address.getPort()), READ_TIMEOUT_MS);
            return new RawClient(socket);
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    /** The address the server sees as the peer. */
    public java.net.InetAddress source() {
        return socket.getLocalAddress();
    }

    public static RawClient connectTls(InetSocketAddress address, SSLContext context) throws IOException {
        Socket socket = context.getSocketFactory().createSocket("127.0.0.1", address.getPort());
        return new RawClient(socket);
    }

    public Socket socket() {
        return socket;
    }

    /** A complete frame: header, payload and CRC-32C computed here. */
    public static byte[] frame(int type, byte[] payload) {
        ByteBuffer frame = ByteBuffer.allocate(12 + payload.length);
        frame.put((byte) 0xF5).put((byte) 0x7D).put((byte) 0x01).put((byte) type).putInt(payload.length).put(payload);
        CRC32C crc = new CRC32C();
        crc.update(frame.array(), 0, 8 + payload.length);
        frame.putInt((int) crc.getValue());
        return frame.array();
    }

    public void sendRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    public void send(FrameType type, MessageLite message) throws IOException {
        sendRaw(frame(type.code(), message.toByteArray()));
    }

    public void auth(String user, String password) throws IOException {
        send(FrameType.AUTH, AuthRequest.newBuilder().setUsername(user).setPassword(password).setClientId("raw")
                .build());
    }

    /** AUTH with the test user; asserts the ACK. */
    public AckResponse authenticate() throws IOException {
        auth(TestServers.USER, TestServers.PASSWORD);
        Received ack = read();
        assertEquals(FrameType.ACK.code(), ack.type(), () -> "expected ACK, got " + ack);
        AckResponse response = ack.as(AckResponse.class);
        assertEquals(MessageType.AUTH, response.getAckType());
        assertTrue(response.getSuccess());
        return response;
    }

    public void subscribe(SubscribeRequest request) throws IOException {
        send(FrameType.SUBSCRIBE, request);
    }

    public void heartbeat(long sequence) throws IOException {
        send(FrameType.HEARTBEAT, HeartbeatRequest.newBuilder().setTimestampMs(System.currentTimeMillis())
                .setSequence(sequence).build());
    }

    /** The next frame; fails on a bad frame; throws EOFException at end of stream. */
    public Received read() throws IOException {
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

    /** Reads the next frame and asserts it is ERROR {@code code}. */
    public ErrorResponse expectError(ErrorCode code) throws IOException {
        Received frame = read();
        assertEquals(FrameType.ERROR.code(), frame.type(), () -> "expected ERROR " + code + ", got " + frame);
        ErrorResponse error = frame.as(ErrorResponse.class);
        assertEquals(code, error.getCode(), () -> "error " + error);
        assertTrue(error.getTimestampMs() > 0, "timestamp_ms set");
        assertTrue(!error.getMessage().isEmpty(), "message set");
        return error;
    }

    /** Reads ERROR {@code code} and then asserts the server closed the connection with nothing after it. */
    public ErrorResponse expectErrorThenClose(ErrorCode code) throws IOException {
        ErrorResponse error = expectError(code);
        expectClosed();
        return error;
    }

    /** Asserts the next read is end of stream (or a reset): the server closed, sending nothing more. */
    public void expectClosed() throws IOException {
        try {
            Received extra = read();
            throw new AssertionError("expected the connection to close, got " + extra);
        } catch (EOFException | java.net.SocketException closed) {
            // Closed as expected.
        }
    }

    /** Whether nothing arrives within {@code millis}. */
    public boolean silentFor(int millis) throws IOException {
        socket.setSoTimeout(millis);
        try {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("closed");
            }
            throw new AssertionError("unexpected byte " + b);
        } catch (SocketTimeoutException quiet) {
            return true;
        } finally {
            socket.setSoTimeout(READ_TIMEOUT_MS);
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    /** One received frame. */
    public record Received(int type, byte[] payload) {

        public <T extends MessageLite> T as(Class<T> kind) {
            FrameType frameType = FrameType.fromCode(type);
            try {
                return kind.cast(frameType.parser().parseFrom(payload));
            } catch (InvalidProtocolBufferException e) {
                throw new AssertionError("unparseable " + frameType + " payload", e);
            }
        }

        public DataBatch batch() {
            assertEquals(FrameType.DATA_BATCH.code(), type, () -> "expected DATA_BATCH, got " + this);
            return as(DataBatch.class);
        }

        @Override
        public String toString() {
            FrameType frameType = FrameType.fromCode(type);
            return frameType == null ? "type " + type : frameType + (frameType == FrameType.ERROR
                    ? " " + as(ErrorResponse.class) : frameType == FrameType.ACK ? " " + as(AckResponse.class) : "");
        }
    }
}

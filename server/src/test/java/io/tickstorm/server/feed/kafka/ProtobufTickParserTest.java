package io.tickstorm.server.feed.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.google.protobuf.CodedOutputStream;
import io.tickstorm.protocol.proto.SubscriptionMode;
import io.tickstorm.protocol.proto.Tick;
import io.tickstorm.server.feed.MalformedReason;
import io.tickstorm.server.feed.file.TickRecord;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ProtobufTickParserTest {

    private final ProtobufTickParser parser = new ProtobufTickParser();
    private final TickRecord record = new TickRecord();

    private MalformedReason parse(byte[] value) {
        return parser.parse(value, 0, value.length, record);
    }

    private static Tick.Builder aapl() {
        return Tick.newBuilder().setSymbol("AAPL").setTimestampMs(1_796_112_000_123L).setPrice(189.25)
                .setVolume(1200).setBid(189.24).setAsk(189.26).setBidSize(300).setAskSize(200);
    }

    @Test
    void decodesEveryFieldAndIgnoresModeAndMetadata() {
        byte[] value = aapl().setMode(SubscriptionMode.REALTIME).putMetadata("venue", "XNAS").build().toByteArray();
        assertNull(parse(value));
        assertEquals("AAPL", record.symbol());
        assertEquals(1_796_112_000_123L, record.timestampMs());
        assertEquals(189.25, record.price());
        assertEquals(1200.0, record.volume());
        assertEquals(189.24, record.bid());
        assertEquals(189.26, record.ask());
        assertEquals(300, record.bidSize());
        assertEquals(200, record.askSize());
        assertEquals(value, record.symbolArray(), "the symbol is a range of the value, not a copy");
    }

    @Test
    void agreesWithProtobufJavaOnRandomTicks() {
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 10_000; i++) {
            double bid = random.nextDouble(0, 1e6);
            Tick tick = Tick.newBuilder().setSymbol("S" + random.nextInt(1000)).setTimestampMs(random.nextLong(1,
                    Long.MAX_VALUE / 4)).setPrice(random.nextDouble(0, 1e6)).setVolume(random.nextInt(3) == 0 ? 0
                    : random.nextDouble(0, 1e9)).setBid(bid).setAsk(bid + random.nextDouble(0, 10))
                    .setBidSize(random.nextLong(0, Long.MAX_VALUE)).setAskSize(random.nextInt(2) * 500L).build();
            assertNull(parse(tick.toByteArray()), tick::toString);
            assertEquals(tick.getSymbol(), record.symbol());
            assertEquals(tick.getTimestampMs(), record.timestampMs());
            assertEquals(tick.getPrice(), record.price());
            assertEquals(tick.getVolume(), record.volume());
            assertEquals(tick.getBid(), record.bid());
            assertEquals(tick.getAsk(), record.ask());
            assertEquals(tick.getBidSize(), record.bidSize());
            assertEquals(tick.getAskSize(), record.askSize());
        }
    }

    @Test
    void skipsUnknownFieldsOfEveryWireTypeAndKeepsTheLastOfARepeatedField() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        CodedOutputStream out = CodedOutputStream.newInstance(bytes);
        out.writeString(1, "MSFT");
        out.writeUInt64(20, 99);
        out.writeFixed64(21, 1);
        out.writeFixed32(22, 2);
        out.writeString(23, "ignored");
        out.writeInt64(2, 1_796_112_000_000L);
        out.writeDouble(3, 1.5);
        out.writeDouble(3, 2.5);
        out.writeDouble(6, 3);
        out.flush();
        byte[] value = bytes.toByteArray();
        byte[] framed = new byte[value.length + 4];
        System.arraycopy(value, 0, framed, 2, value.length);
        assertNull(parser.parse(framed, 2, value.length, record), "at an offset");
        assertEquals("MSFT", record.symbol());
        assertEquals(2.5, record.price());
        assertEquals(0.0, record.volume(), "absent: proto3 default");
    }

    @Test
    void reportsEachReason() {
        byte[] good = aapl().build().toByteArray();
        assertEquals(MalformedReason.UNPARSEABLE, parse(Arrays.copyOf(good, good.length - 10)), "truncated double");
        assertEquals(MalformedReason.UNPARSEABLE, parse(new byte[] {0x0A, 0x05, 'A'}), "length past the end");
        assertEquals(MalformedReason.UNPARSEABLE, parse(new byte[] {0x08, (byte) 0x80}), "truncated varint");
        assertEquals(MalformedReason.UNPARSEABLE, parse(new byte[] {0x1B}), "group wire type");
        assertEquals(MalformedReason.UNPARSEABLE, parse(new byte[] {0x18, 0x01}), "price as a varint");
        assertEquals(MalformedReason.UNPARSEABLE, parse(new byte[] {0x00, 0x01}), "field 0");
        assertEquals(MalformedReason.UNPARSEABLE, parse("{\"symbol\":\"AAPL\"}".getBytes()), "JSON is not protobuf");
        assertEquals(MalformedReason.MISSING_FIELD, parse(aapl().clearSymbol().build().toByteArray()));
        assertEquals(MalformedReason.MISSING_FIELD, parse(aapl().clearTimestampMs().build().toByteArray()));
        assertEquals(MalformedReason.BAD_SYMBOL, parse(aapl().setSymbol("aapl").build().toByteArray()));
        assertEquals(MalformedReason.BAD_SYMBOL, parse(aapl().setSymbol("ÄPFEL").build().toByteArray()));
        assertEquals(MalformedReason.BAD_NUMBER, parse(aapl().setPrice(Double.NaN).build().toByteArray()));
        assertEquals(MalformedReason.BAD_NUMBER, parse(aapl().setVolume(-1).build().toByteArray()));
        assertEquals(MalformedReason.BAD_NUMBER, parse(aapl().setAsk(Double.POSITIVE_INFINITY).build().toByteArray()));
        assertEquals(MalformedReason.BAD_NUMBER, parse(aapl().setTimestampMs(-5).build().toByteArray()));
        assertEquals(MalformedReason.CROSSED_QUOTE, parse(aapl().setBid(190).build().toByteArray()));
    }

    @Test
    void storesNegativeZeroAsZero() {
        assertNull(parse(aapl().setVolume(-0.0).build().toByteArray()));
        assertEquals(0L, Double.doubleToRawLongBits(record.volume()));
    }
}

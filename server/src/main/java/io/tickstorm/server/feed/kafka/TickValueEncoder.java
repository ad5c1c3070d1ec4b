package io.tickstorm.server.feed.kafka;

import io.tickstorm.protocol.proto.Tick;
import io.tickstorm.server.feed.KafkaFormat;
import io.tickstorm.server.feed.file.TickRecord;
import java.nio.charset.StandardCharsets;

/**
 * A tick as the value of a Kafka record in {@code format}: what the source's parser of that format reads back, so that
 * {@code publish} and the source agree. For the {@code publish} command: it allocates per tick.
 */
final class TickValueEncoder {

    private final KafkaFormat format;
    private final StringBuilder json = new StringBuilder(192);

    TickValueEncoder(KafkaFormat format) {
        this.format = format;
    }

    /** The value for {@code record}, stamped {@code timestampMs}. */
    byte[] encode(TickRecord record, long timestampMs) {
        if (format == KafkaFormat.PROTOBUF) {
            return Tick.newBuilder().setSymbol(record.symbol()).setTimestampMs(timestampMs).setPrice(record.price())
                    .setVolume(record.volume()).setBid(record.bid()).setAsk(record.ask())
                    .setBidSize(record.bidSize()).setAskSize(record.askSize()).build().toByteArray();
        }
        json.setLength(0);
        // Double.toString gives the shortest decimal that reads back to the same double (JSON allows its exponent).
        json.append("{\"symbol\":\"").append(record.symbol()).append("\",\"timestamp_ms\":").append(timestampMs)
                .append(",\"price\":").append(record.price()).append(",\"volume\":").append(record.volume())
                .append(",\"bid\":").append(record.bid()).append(",\"ask\":").append(record.ask())
                .append(",\"bid_size\":").append(record.bidSize()).append(",\"ask_size\":").append(record.askSize())
                .append('}');
        return json.toString().getBytes(StandardCharsets.UTF_8);
    }
}

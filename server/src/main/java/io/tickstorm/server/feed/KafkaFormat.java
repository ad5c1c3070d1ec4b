package io.tickstorm.server.feed;

import java.util.Locale;

/** How a Kafka record's value holds a tick ({@code KAFKA_FORMAT}). */
public enum KafkaFormat {
    /** A {@code tickstorm.protocol.Tick} message (tickstorm.proto); its mode and metadata are ignored. */
    PROTOBUF,
    /** One JSON object, as a line of an NDJSON recording (the file source's NDJSON parser reads it). */
    JSON;

    /** The configuration value naming this format. */
    public String configValue() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The format {@code value} names, ignoring case and surrounding spaces.
     *
     * @throws IllegalArgumentException naming {@code key} and the accepted values
     */
    public static KafkaFormat of(String value, String key) {
        String wanted = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
        for (KafkaFormat format : values()) {
            if (format.configValue().equals(wanted)) {
                return format;
            }
        }
        throw new IllegalArgumentException(key + "=" + value + ": must be protobuf or json");
    }
}

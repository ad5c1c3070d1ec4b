package io.tickstorm.server.feed.kafka;

import io.tickstorm.server.feed.KafkaFeedConfig;
import io.tickstorm.server.feed.KafkaFormat;
import io.tickstorm.server.feed.MalformedReason;
import io.tickstorm.server.feed.file.CsvTickParser;
import io.tickstorm.server.feed.file.LineChunk;
import io.tickstorm.server.feed.file.NdjsonTickParser;
import io.tickstorm.server.feed.file.TickFileFormat;
import io.tickstorm.server.feed.file.TickLineParser;
import io.tickstorm.server.feed.file.TickLineReader;
import io.tickstorm.server.feed.file.TickRecord;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * {@code java -jar tick-storm-server.jar publish --bootstrap-servers HOST:PORT [options] [FILE|-]}: reads ticks as
 * the file source does (NDJSON or CSV by extension, optionally gzipped; {@code -} or no file: NDJSON on standard
 * input) and produces one record per tick to a Kafka topic, keyed by symbol, so that a symbol stays in one
 * partition and in order. This is how a recording or a feed handler's output reaches a cluster of replicas.
 *
 * <p>Records carry the producer's timestamp (the send time; the broker's own on LogAppendTime topics): a tick
 * stamped long before it is published is late (PROTOCOL.md §6). {@code --retime} stamps each tick with its send
 * time, so a recording plays as a live market; {@code --rate N} sends at most N ticks per second.
 *
 * <p>Progress goes to standard error once a second; the final count to standard output. Exit status: 0 every tick
 * was sent, 1 the input or a send failed, 2 usage.
 */
public final class PublishCommand {

    /** Exit status when every tick was sent. */
    public static final int OK = 0;
    /** Exit status when the input could not be read or a send failed. */
    public static final int FAILED = 1;
    /** Exit status for a usage error. */
    public static final int USAGE = 2;

    static final String USAGE_TEXT = "usage: publish --bootstrap-servers HOST:PORT[,...] [--topic ticks] "
            + "[--format protobuf|json]\n"
            + "               [--rate TICKS_PER_SECOND] [--retime] [--properties FILE] [FILE|-]\n"
            + "  Reads ticks (.ndjson/.jsonl or .csv, optionally .gz; - or none: NDJSON on standard input) and\n"
            + "  produces one record per tick, keyed by symbol. --rate paces the sending; --retime stamps each tick\n"
            + "  with the time it is sent (a recording played as live); --properties adds producer properties\n"
            + "  (TLS, SASL). Progress on standard error, the final count on standard output.";

    private static final long PROGRESS_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final long IDLE_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    /** Producer properties the command sets itself. */
    private static final Map<String, String> OWNED = Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "use --bootstrap-servers",
            ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, "records are keyed by the symbol's bytes",
            ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, "use --format");

    /** The parsed command line. */
    record Options(String bootstrapServers, String topic, KafkaFormat format, double rate, boolean retime,
                   String properties, String input) {
    }

    private PublishCommand() {
    }

    /** The system property logback.xml reads for the console appender's target. */
    static final String LOG_TARGET_PROPERTY = "tickstorm.log.target";

    /**
     * Runs the command with a real producer; returns the exit status. Logs (the Kafka client's warnings) go to
     * standard error, which must be decided before the first logger exists: standard output carries the count.
     */
    public static int run(String[] args, InputStream stdin, PrintStream out, PrintStream err) {
        if (System.getProperty(LOG_TARGET_PROPERTY) == null) {
            System.setProperty(LOG_TARGET_PROPERTY, "System.err");
        }
        Options options;
        try {
            options = parse(args);
        } catch (IllegalArgumentException e) {
            err.println("publish: " + e.getMessage());
            err.println(USAGE_TEXT);
            return USAGE;
        }
        if (options == null) {
            out.println(USAGE_TEXT);
            return OK;
        }
        Properties properties;
        try {
            properties = producerProperties(options);
        } catch (IllegalArgumentException e) {
            err.println("publish: " + e.getMessage());
            return USAGE;
        }
        try (Producer<byte[], byte[]> producer = new KafkaProducer<>(properties)) {
            return publish(options, producer, stdin, out, err);
        } catch (KafkaException e) {
            err.println("publish: " + e.getMessage());
            return FAILED;
        }
    }

    /** The options in {@code args}, or null when help was asked for. */
    static Options parse(String[] args) {
        String bootstrap = null;
        String topic = KafkaFeedConfig.DEFAULT_TOPIC;
        KafkaFormat format = KafkaFormat.PROTOBUF;
        double rate = 0;
        boolean retime = false;
        String properties = "";
        String input = null;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            switch (arg) {
                case "-h", "--help" -> {
                    return null;
                }
                case "--bootstrap-servers" -> bootstrap = value(args, ++i, arg);
                case "--topic" -> topic = value(args, ++i, arg);
                case "--format" -> format = KafkaFormat.of(value(args, ++i, arg), "--format");
                case "--rate" -> rate = rate(value(args, ++i, arg));
                case "--retime" -> retime = true;
                case "--properties" -> properties = value(args, ++i, arg);
                default -> {
                    if (arg.startsWith("--") || input != null) {
                        throw new IllegalArgumentException("unexpected argument '" + arg + "'");
                    }
                    input = arg;
                }
            }
        }
        if (bootstrap == null || bootstrap.isBlank()) {
            throw new IllegalArgumentException("--bootstrap-servers is required");
        }
        if (!KafkaFeedConfig.TOPIC_PATTERN.matcher(topic).matches()) {
            throw new IllegalArgumentException("--topic '" + topic + "' is not a Kafka topic name");
        }
        input = input == null ? TickFileFormat.STDIN : input;
        TickFileFormat.of(input); // an unknown extension is a usage error, before connecting
        return new Options(bootstrap, topic, format, rate, retime, properties, input);
    }

    private static String value(String[] args, int index, String option) {
        if (index >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[index];
    }

    private static double rate(String value) {
        try {
            double rate = Double.parseDouble(value);
            if (rate > 0 && rate <= 10_000_000) {
                return rate;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("--rate must be a number of ticks per second in (0, 10000000], got "
                + value);
    }

    private static Properties producerProperties(Options options) {
        Properties properties = new Properties();
        properties.put(ProducerConfig.CLIENT_ID_CONFIG, "tick-storm-publish");
        properties.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        // Unreachable brokers or a missing topic: fail after 15 s with Kafka's message, not a minute of silence.
        properties.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "15000");
        properties.putAll(ConsumerSettings.readFile(options.properties(), "--properties", OWNED));
        properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, options.bootstrapServers());
        properties.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        properties.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return properties;
    }

    /** Sends every tick of the input through {@code producer}; returns the exit status. */
    static int publish(Options options, Producer<byte[], byte[]> producer, InputStream stdin, PrintStream out,
                       PrintStream err) {
        Thread main = Thread.currentThread();
        Runnable wake = () -> LockSupport.unpark(main);
        TickLineReader reader;
        TickLineParser parser;
        try {
            if (TickFileFormat.STDIN.equals(options.input())) {
                reader = TickLineReader.ofStream(stdin, "stdin", TickLineReader.DEFAULT_CHUNK_BYTES,
                        TickLineReader.DEFAULT_CHUNK_COUNT, wake);
                parser = new NdjsonTickParser();
            } else {
                Path path = Path.of(options.input());
                parser = TickFileFormat.of(options.input()) == TickFileFormat.CSV ? CsvTickParser.readHeader(path)
                        : new NdjsonTickParser();
                reader = TickLineReader.open(path, false, TickLineReader.DEFAULT_CHUNK_BYTES,
                        TickLineReader.DEFAULT_CHUNK_COUNT, wake);
            }
        } catch (IOException | IllegalArgumentException e) {
            err.println("publish: " + options.input() + ": " + e.getMessage());
            return FAILED;
        }
        boolean csv = parser instanceof CsvTickParser;
        AtomicLong failures = new AtomicLong();
        AtomicReference<Exception> firstFailure = new AtomicReference<>();
        Callback callback = (metadata, e) -> {
            if (e != null) {
                failures.incrementAndGet();
                firstFailure.compareAndSet(null, e);
            }
        };
        TickValueEncoder encoder = new TickValueEncoder(options.format());
        TickRecord record = new TickRecord();
        Map<MalformedReason, Long> skipped = new EnumMap<>(MalformedReason.class);
        long sent = 0;
        long startNanos = System.nanoTime();
        long nextProgressNanos = startNanos + PROGRESS_INTERVAL_NANOS;
        try (reader) {
            reader.start();
            while (true) {
                LineChunk chunk = reader.poll();
                if (chunk == null) {
                    if (!reader.running() && (chunk = reader.poll()) == null) {
                        break;
                    }
                    if (chunk == null) {
                        LockSupport.parkNanos(IDLE_PARK_NANOS);
                        continue;
                    }
                }
                boolean last = chunk.endOfInput();
                while (chunk.nextLine()) {
                    if (csv && chunk.lineNumber() == 1) {
                        continue; // the header, read when the file was opened
                    }
                    if (chunk.lineTooLong()) {
                        skipped.merge(MalformedReason.LINE_TOO_LONG, 1L, Long::sum);
                        continue;
                    }
                    if (TickLineParser.isBlank(chunk.data(), chunk.lineOffset(), chunk.lineLength())) {
                        continue;
                    }
                    MalformedReason bad = parser.parse(chunk.data(), chunk.lineOffset(), chunk.lineLength(), record);
                    if (bad != null) {
                        skipped.merge(bad, 1L, Long::sum);
                        continue;
                    }
                    if (options.rate() > 0) {
                        pace(startNanos, sent, options.rate());
                    }
                    long nowMs = System.currentTimeMillis();
                    long timestampMs = options.retime() ? nowMs : record.timestampMs();
                    producer.send(new ProducerRecord<>(options.topic(), null, options.retime() ? nowMs : null,
                            record.symbolBytes(), encoder.encode(record, timestampMs)), callback);
                    sent++;
                    long now = System.nanoTime();
                    if (now - nextProgressNanos >= 0) {
                        nextProgressNanos = now + PROGRESS_INTERVAL_NANOS;
                        progress(err, sent, skipped, startNanos, now);
                    }
                }
                reader.release(chunk);
                if (last) {
                    break;
                }
            }
            producer.flush();
        }
        progress(err, sent, skipped, startNanos, System.nanoTime());
        long delivered = sent - failures.get();
        out.println("published " + delivered + " ticks to topic " + options.topic()
                + (skipped.isEmpty() ? "" : ", skipped " + total(skipped) + " lines " + labels(skipped))
                + (failures.get() == 0 ? "" : ", " + failures.get() + " sends failed: " + firstFailure.get()));
        if (reader.failure() != null) {
            err.println("publish: reading " + options.input() + " failed: " + reader.failure().getMessage());
            return FAILED;
        }
        return failures.get() == 0 ? OK : FAILED;
    }

    /** Waits until the {@code sent}-th tick is due at {@code rate} per second. */
    private static void pace(long startNanos, long sent, double rate) {
        long dueNanos = startNanos + (long) (sent * 1e9 / rate);
        for (long wait = dueNanos - System.nanoTime(); wait > 0; wait = dueNanos - System.nanoTime()) {
            LockSupport.parkNanos(wait);
        }
    }

    private static void progress(PrintStream err, long sent, Map<MalformedReason, Long> skipped, long startNanos,
                                 long nowNanos) {
        double seconds = Math.max(1e-9, (nowNanos - startNanos) / 1e9);
        err.printf("publish: %d ticks sent (%.0f/s), %d lines skipped%n", sent, sent / seconds, total(skipped));
    }

    private static long total(Map<MalformedReason, Long> skipped) {
        return skipped.values().stream().mapToLong(Long::longValue).sum();
    }

    private static Map<String, Long> labels(Map<MalformedReason, Long> skipped) {
        Map<String, Long> labels = new LinkedHashMap<>();
        skipped.forEach((reason, count) -> labels.put(reason.label(), count));
        return labels;
    }
}

package io.tickstorm.server.feed.kafka;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;

/**
 * A test producer thread: a tick every few milliseconds, round robin over a few symbols keyed by symbol, each record
 * stamped (CreateTime) when it is sent; some ticks late for their SECOND bar, some ahead of their record, some too
 * far ahead for any bar.
 */
final class TickStream implements AutoCloseable {

    static final String[] SYMBOLS = {"AAPL", "MSFT", "GOOG", "AMZN", "TSLA", "NVDA"};

    private final KafkaProducer<byte[], byte[]> producer;
    private final String topic;
    private final Thread thread;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong lastRecordMs = new AtomicLong();
    private final AtomicLong late = new AtomicLong();

    TickStream(KafkaProducer<byte[], byte[]> producer, String topic) {
        this.producer = producer;
        this.topic = topic;
        this.thread = new Thread(this::run, "test-producer-" + topic);
        thread.start();
    }

    private void run() {
        for (int i = 0; running.get(); i++) {
            String symbol = SYMBOLS[i % SYMBOLS.length];
            long now = System.currentTimeMillis();
            long tickMs = now - i % 30;
            if (i % 40 == 7) {
                tickMs = now - 3_000; // late for its SECOND bar; for its MINUTE bar unless the minute turned
                late.incrementAndGet();
            } else if (i % 97 == 11) {
                tickMs = now + 500; // ahead of the log: counts in a later interval, waiting for it if needed
            } else if (i % 211 == 17) {
                tickMs = now + 1_000; // as far ahead as a tick may be and still count: held until its interval opens
            } else if (i % 151 == 13) {
                tickMs = now + 5_000; // too far ahead of its record: in no bar
                late.incrementAndGet();
            }
            double price = 100 + (i * 7919 % 1000) / 100.0;
            producer.send(KafkaTestBroker.record(topic, symbol, now,
                    KafkaTestBroker.tick(symbol, tickMs, price, 1 + i % 9)));
            lastRecordMs.set(now);
            try {
                Thread.sleep(4);
            } catch (InterruptedException e) {
                return;
            }
        }
        producer.flush();
    }

    /** The timestamp of the last record sent. */
    long lastRecordMs() {
        return lastRecordMs.get();
    }

    /** Ticks sent late for at least their SECOND bar. */
    long late() {
        return late.get();
    }

    /** Stops producing and flushes. */
    @Override
    public void close() throws InterruptedException {
        running.set(false);
        thread.join(30_000);
        if (thread.isAlive()) {
            throw new IllegalStateException("the producer did not stop");
        }
    }
}

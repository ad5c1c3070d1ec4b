package io.tickstorm.server.feed.kafka;

import io.tickstorm.protocol.proto.Tick;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import kafka.server.BrokerServer;

/**
 * A real single-node Kafka broker (KRaft, combined broker and controller) for a test class, on ephemeral localhost
 * ports, from Apache Kafka's test kit; {@link #close()} stops it and deletes its directory. One per test class.
 */
final class KafkaTestBroker implements AutoCloseable {

    private final KafkaClusterTestKit cluster;
    private final Admin admin;

    private KafkaTestBroker(KafkaClusterTestKit cluster) {
        this.cluster = cluster;
        this.admin = cluster.admin();
    }

    static KafkaTestBroker start() throws Exception {
        return start(0);
    }

    /**
     * A broker listening for clients on {@code port} (0 = ephemeral); a fixed port lets a test {@link #stop()} and
     * {@link #restart()} it while clients keep its address.
     */
    static KafkaTestBroker start(int port) throws Exception {
        TestKitNodes.Builder nodes = new TestKitNodes.Builder().setCombined(true).setNumBrokerNodes(1)
                .setNumControllerNodes(1);
        if (port != 0) {
            nodes.setPerServerProperties(Map.of(0, Map.of("listeners",
                    "EXTERNAL://localhost:" + port + ",CONTROLLER://localhost:0")));
        }
        KafkaClusterTestKit cluster = new KafkaClusterTestKit.Builder(nodes.build())
                .setConfigProp("offsets.topic.replication.factor", "1")
                .setConfigProp("group.initial.rebalance.delay.ms", "0")
                .build();
        try {
            cluster.format();
            cluster.startup();
            cluster.waitForReadyBrokers();
        } catch (Exception e) {
            cluster.close();
            throw e;
        }
        return new KafkaTestBroker(cluster);
    }

    String bootstrapServers() {
        return cluster.bootstrapServers();
    }

    /** Stops the broker (the controller keeps running); clients see it unreachable. */
    void stop() {
        BrokerServer broker = cluster.brokers().values().iterator().next();
        broker.shutdown();
        broker.awaitShutdown();
    }

    /** Starts the broker {@link #stop()} stopped, on the same port. */
    void restart() throws Exception {
        cluster.brokers().values().iterator().next().startup();
        cluster.waitForReadyBrokers();
    }

    /** Creates a topic with {@code partitions} partitions and the given topic configs; waits for it. */
    void createTopic(String name, int partitions, Map<String, String> configs) throws Exception {
        admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1).configs(configs))).all()
                .get(30, TimeUnit.SECONDS);
    }

    /** Grows a topic to {@code partitions} partitions. */
    void addPartitions(String name, int partitions) throws Exception {
        admin.createPartitions(Map.of(name, NewPartitions.increaseTo(partitions))).all().get(30, TimeUnit.SECONDS);
    }

    /** A producer of raw bytes; the caller closes it. */
    KafkaProducer<byte[], byte[]> producer() {
        Properties properties = new Properties();
        properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        properties.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        properties.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        properties.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        properties.put(ProducerConfig.ACKS_CONFIG, "all");
        return new KafkaProducer<>(properties);
    }

    /** A tick as the protobuf value a producer sends. */
    static byte[] tick(String symbol, long timestampMs, double price, double volume) {
        return Tick.newBuilder().setSymbol(symbol).setTimestampMs(timestampMs).setPrice(price).setVolume(volume)
                .setBid(price - 0.01).setAsk(price + 0.01).setBidSize(100).setAskSize(200).build().toByteArray();
    }

    /** A record keyed by {@code symbol} with an explicit (CreateTime) timestamp. */
    static ProducerRecord<byte[], byte[]> record(String topic, String symbol, long recordMs, byte[] value) {
        return new ProducerRecord<>(topic, null, recordMs, symbol == null ? null : symbol.getBytes(), value);
    }

    @Override
    public void close() throws Exception {
        admin.close();
        cluster.close();
    }
}

/**
 * The Kafka source ({@code FEED_SOURCE=kafka}, PROTOCOL.md §6): every replica reads every partition of one topic
 * and builds the same bars from it, and a restarted replica rebuilds its history from the log.
 *
 * <pre>
 *  brokers ──► {@link io.tickstorm.server.feed.kafka.KafkaReader} (thread "tick-kafka": assign all partitions,
 *                seek by time, poll, end offsets, new partitions, back-off)
 *          ──► {@link io.tickstorm.server.feed.kafka.PartitionLane} per partition (bounded queue of record
 *                batches, end and catch-up marks)
 *          ──► {@link io.tickstorm.server.feed.kafka.KafkaSource} on the feed thread (lanes in turn, position
 *                = lowest watermark less the record delay, caught up or not)
 *          ──► {@link io.tickstorm.server.feed.kafka.RecordWriter} (decode with
 *                {@link io.tickstorm.server.feed.kafka.ProtobufTickParser} or the NDJSON parser, judge with
 *                {@link io.tickstorm.server.feed.kafka.LatenessRule}, hold at the horizon) ──► the market
 * </pre>
 *
 * {@link io.tickstorm.server.feed.kafka.ConsumerSettings} builds the consumer's properties and refuses the ones
 * the source owns; {@link io.tickstorm.server.feed.kafka.PublishCommand} is the {@code publish} command that feeds
 * a topic from a recording.
 */
package io.tickstorm.server.feed.kafka;

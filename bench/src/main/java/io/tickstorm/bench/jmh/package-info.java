/**
 * JMH micro-benchmarks of the hot paths: frame codec and CRC-32C, fan-out writes, bar closing and credential checks.
 * Batch encoding lives in {@code io.tickstorm.server.fanout.BatchEncodeBenchmark}, next to the package-private
 * builder it measures.
 */
package io.tickstorm.bench.jmh;

/** JMH micro-benchmarks of the hot paths: frame codec, CRC-32C, batch encoding and fan-out. */
package io.tickstorm.bench.jmh;

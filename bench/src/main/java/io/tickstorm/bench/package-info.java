/** Tick-Storm benchmarks: JMH micro-benchmarks ({@code jmh}) and the load generator ({@code load}). */
package io.tickstorm.bench;

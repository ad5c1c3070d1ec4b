/**
 * The load generator: a coordinator ({@link io.tickstorm.bench.load.LoadGenerator}) that launches worker JVMs
 * ({@link io.tickstorm.bench.load.LoadWorker}), each holding thousands of lean Netty connections that authenticate,
 * subscribe, verify every batch and record latency in HdrHistograms; the coordinator aggregates their results and
 * probes the server process.
 */
package io.tickstorm.bench.load;

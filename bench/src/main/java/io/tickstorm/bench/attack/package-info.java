/**
 * Standalone attack clients that reproduce the hardening issues against a running server and measure what they cost
 * it (resident memory, direct memory, other subscribers' latency), for the before/after tables in bench/results.
 */
package io.tickstorm.bench.attack;

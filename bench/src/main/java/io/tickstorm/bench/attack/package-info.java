/**
 * Small attack clients that reproduce the hardening issues against a running server and print what they measured
 * (see {@code bench/results/attacks-*.md}). Each run is bounded in connections and time.
 */
package io.tickstorm.bench.attack;

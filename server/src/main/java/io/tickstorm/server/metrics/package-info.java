/**
 * Prometheus metrics: one registry per server, every metric name as a constant in
 * {@link io.tickstorm.server.metrics.ServerMetrics}. They are served, with the health endpoints, by
 * {@link io.tickstorm.server.http.MetricsHttpServer}.
 */
package io.tickstorm.server.metrics;

/**
 * Prometheus metrics (simpleclient, one registry per server) and the HTTP server that serves them together with the
 * health endpoints.
 */
package io.tickstorm.server.metrics;

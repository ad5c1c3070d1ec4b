/**
 * The metrics and health HTTP port (9090): a small Netty HTTP server on one event loop of its own, with exact
 * routes, per-request deadlines, a connection cap that evicts the least recently active socket, and scrapes rendered
 * off the event loop, so that no HTTP client can delay a probe or take descriptors from the tick port.
 */
package io.tickstorm.server.http;

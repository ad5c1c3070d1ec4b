/**
 * The TLS layer of the connection pipeline: validated {@link io.tickstorm.server.tls.TlsConfig}, PEM key material,
 * the server {@code SslContext} (BoringSSL when available, JDK otherwise), its reload when a mounted certificate
 * changes, the self-signed default, and the per-connection handshake outcome reported to metrics.
 */
package io.tickstorm.server.tls;

/**
 * Connection admission, the first handler of every pipeline (before TLS, so refusing a socket costs nothing): IP
 * allow/block lists, the global and per-address connection caps, a gate closed during resource breaches and shutdown,
 * and a per-address accept-rate guard that delays, never bans. {@link io.tickstorm.server.admission.AdmissionControl}
 * holds the per-server state; {@link io.tickstorm.server.admission.AdmissionHandler} applies it per channel.
 */
package io.tickstorm.server.admission;

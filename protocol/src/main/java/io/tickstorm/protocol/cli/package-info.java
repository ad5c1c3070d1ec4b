/**
 * {@code tick-storm-client}, the command-line client: {@link io.tickstorm.protocol.cli.TickClientCli} parses flags,
 * connects with {@link io.tickstorm.protocol.client.TickClient} and prints ticks as text or JSON lines.
 */
package io.tickstorm.protocol.cli;

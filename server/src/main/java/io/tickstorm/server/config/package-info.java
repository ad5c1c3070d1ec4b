/**
 * The server's configuration: Typesafe Config ({@code reference.conf} holds every key, its default and its
 * environment override) parsed once at startup into immutable, self-validating records.
 */
package io.tickstorm.server.config;

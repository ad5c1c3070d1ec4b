/**
 * Per-user entitlements (PROTOCOL.md §5.2, §5.11): which symbols each user may subscribe to, as exact names and
 * prefix patterns ({@link io.tickstorm.server.entitlement.SymbolPatterns}), read from a hot-reloaded file
 * ({@link io.tickstorm.server.entitlement.EntitlementsFile}), checked once per symbol at SUBSCRIBE and enforced on
 * reload by closing the subscriptions a reload takes a symbol from
 * ({@link io.tickstorm.server.entitlement.EntitlementGuard}). Nothing here runs per tick.
 */
package io.tickstorm.server.entitlement;

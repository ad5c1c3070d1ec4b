/**
 * Logging that an attacker or a failure wave cannot turn into a flood: {@link
 * io.tickstorm.server.logging.RateLimitedLogger} lets a few messages per interval through and reports how many it
 * held back.
 */
package io.tickstorm.server.logging;

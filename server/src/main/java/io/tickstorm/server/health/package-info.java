/** Liveness, readiness and startup state served on the metrics port. */
package io.tickstorm.server.health;

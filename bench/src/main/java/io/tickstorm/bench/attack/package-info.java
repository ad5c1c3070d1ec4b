/**
 * Attack clients that reproduce the failures of issue 12 against a running server and measure what they cost it:
 * {@link io.tickstorm.bench.attack.PreAuthFlood} (unauthenticated connections sending large, half-sent frames).
 */
package io.tickstorm.bench.attack;

/**
 * What the container allows and what the server may therefore do: reads cgroup v1/v2 and {@code /proc/self/limits}
 * ({@link io.tickstorm.limits.CgroupReader}, {@link io.tickstorm.limits.ProcessLimitsReader}), derives the
 * event-loop threads, the direct-memory budget and the connection cap ({@link io.tickstorm.limits.Limits}), and
 * watches usage against those limits ({@link io.tickstorm.limits.ResourceMonitor}).
 *
 * <p>Depends on nothing of Netty's, so the server can compute {@code io.netty.maxDirectMemory} before any Netty class
 * loads.
 */
package io.tickstorm.limits;

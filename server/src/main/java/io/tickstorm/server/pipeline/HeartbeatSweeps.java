package io.tickstorm.server.pipeline;

import io.netty.util.concurrent.EventExecutor;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** One {@link HeartbeatSweep} per event loop, all with the server's heartbeat timeout. Shared by every channel. */
public final class HeartbeatSweeps {

    private final long timeoutNanos;
    private final Map<EventExecutor, HeartbeatSweep> byLoop = new ConcurrentHashMap<>();

    public HeartbeatSweeps(Duration timeout) {
        this.timeoutNanos = timeout.toNanos();
    }

    /** The sweep owned by {@code loop}; use it only from that loop. */
    HeartbeatSweep of(EventExecutor loop) {
        return byLoop.computeIfAbsent(loop, owner -> new HeartbeatSweep(owner, timeoutNanos));
    }
}

package io.tickstorm.limits;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Samples resource usage against its limits and declares a <em>resource breach</em> with hysteresis.
 *
 * <pre>
 *   usage/limit  ──▶ &ge; high-water ──▶ BREACH (WARN "resource breach", count +1, listener.breachStarted)
 *   BREACH and usage/limit &lt; low-water ──▶ clear (INFO "resource breach cleared", listener.breachCleared)
 * </pre>
 * Between the two marks a resource keeps its state, so usage hovering at the high-water mark does not flap. An
 * optional {@link IdleMemoryBreachRule} is applied after every sample: a heap or direct-memory breach that lasts with
 * no connections is reported by {@link #memoryBreachIdle()}, for liveness.
 *
 * <p>Threading: {@link #sampleOnce()} runs on one thread at a time (the scheduler's, or a test's); samplers and the
 * listener are called there. The accessors read published state and may be called from any thread (a Prometheus
 * scrape, the admission gate on an event loop) without locking.
 */
public final class ResourceMonitor implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ResourceMonitor.class);
    private static final int COUNT = Resource.values().length;

    private final MonitoredResource[] monitored = new MonitoredResource[COUNT];
    private final double highWater;
    private final double lowWater;
    private final ResourceBreachListener listener;
    private final IdleMemoryBreachRule idleRule;

    private final AtomicLongArray values = new AtomicLongArray(COUNT);
    private final AtomicLongArray ratioBits = new AtomicLongArray(COUNT);
    private final AtomicIntegerArray active = new AtomicIntegerArray(COUNT);
    private final AtomicLongArray breaches = new AtomicLongArray(COUNT);
    private final boolean[] samplerFailing = new boolean[COUNT];

    private ScheduledExecutorService ownScheduler;
    private ScheduledFuture<?> task;

    /**
     * @param resources the resources to watch, at most one per {@link Resource}
     * @param highWater usage ratio at which a resource enters breach
     * @param lowWater  usage ratio below which a breach clears; less than {@code highWater}
     * @param listener  told of every transition
     */
    public ResourceMonitor(List<MonitoredResource> resources, double highWater, double lowWater,
            ResourceBreachListener listener) {
        this(resources, highWater, lowWater, listener, null);
    }

    /**
     * As above, plus the rule applied after every sample.
     *
     * @param idleRule null for none
     */
    public ResourceMonitor(List<MonitoredResource> resources, double highWater, double lowWater,
            ResourceBreachListener listener, IdleMemoryBreachRule idleRule) {
        if (!(highWater > 0 && highWater <= 1 && lowWater > 0 && lowWater < highWater)) {
            throw new IllegalArgumentException(
                    "need 0 < lowWater < highWater <= 1, got " + lowWater + ", " + highWater);
        }
        for (MonitoredResource r : resources) {
            if (monitored[r.resource().ordinal()] != null) {
                throw new IllegalArgumentException("resource " + r.resource().label() + " given twice");
            }
            monitored[r.resource().ordinal()] = r;
        }
        this.highWater = highWater;
        this.lowWater = lowWater;
        this.listener = Objects.requireNonNull(listener, "listener");
        this.idleRule = idleRule;
    }

    /**
     * The standard monitor for the server: heap after GC against the maximum heap, direct memory against the
     * direct-memory budget, connections against the connection cap, and the descriptors held by neither the
     * connections nor the metrics port against what the reserve keeps for everything else
     * ({@code open-file limit - connection cap - metrics socket cap}; unwatched when unlimited). Connections are
     * already held to the cap, and the metrics port to its own cap, so this remainder is where a descriptor leak
     * shows; watching all descriptors against the limit would declare a breach at 90 % of the limit, before the cap,
     * and counting the metrics port's sockets here would let idle HTTP clients close the tick port's admission. The
     * water marks are those of {@code limits.config()}, and so is the {@link IdleMemoryBreachRule}'s timeout (none
     * when it is zero).
     *
     * <pre>
     *   open files = connections (&le; cap) + metrics sockets (&le; their cap) + the rest
     *   watched    = the rest = open files - connections - min(metrics sockets, their cap)
     *   limit      = open-file limit - connection cap - metrics socket cap   (at least 1)
     * </pre>
     *
     * @param directMemoryUsed    direct memory in use
     * @param connections         sockets held by connections, counted from {@code accept()} (so a connection storm
     *                            waiting for busy event loops is not mistaken for a leak)
     * @param admittedConnections connections admitted and not yet closed, for the idle-breach rule (sockets being
     *                            refused during the breach must not count as the server holding connections)
     * @param metricsSockets      sockets open on the metrics and health port, counted from {@code accept()}
     * @param metricsSocketCap    the most sockets the metrics port holds; it comes out of the descriptor reserve
     */
    public static ResourceMonitor forLimits(Limits limits, LongSupplier directMemoryUsed, LongSupplier connections,
            LongSupplier admittedConnections, LongSupplier metricsSockets, int metricsSocketCap,
            ResourceBreachListener listener) {
        return forLimits(limits, JvmSamplers.openFileDescriptors(), directMemoryUsed, connections, admittedConnections,
                metricsSockets, metricsSocketCap, listener);
    }

    /** {@link #forLimits(Limits, LongSupplier, LongSupplier, LongSupplier, LongSupplier, int, ResourceBreachListener)}
     * with the process's descriptor count injected (tests). */
    static ResourceMonitor forLimits(Limits limits, LongSupplier openFiles, LongSupplier directMemoryUsed,
            LongSupplier connections, LongSupplier admittedConnections, LongSupplier metricsSockets,
            int metricsSocketCap, ResourceBreachListener listener) {
        if (metricsSocketCap < 0) {
            throw new IllegalArgumentException("metricsSocketCap must not be negative, was " + metricsSocketCap);
        }
        long fileLimit = limits.openFilesLimit().orElse(0);
        long reserve = fileLimit > 0 ? Math.max(1, fileLimit - limits.connectionCap() - metricsSocketCap) : 0;
        List<MonitoredResource> resources = new ArrayList<>();
        resources.add(new MonitoredResource(Resource.HEAP, JvmSamplers.heapUsedAfterGc(), limits.jvm().maxHeapBytes()));
        resources.add(new MonitoredResource(Resource.DIRECT_MEMORY, directMemoryUsed, limits.directMemoryBytes()));
        resources.add(new MonitoredResource(Resource.OPEN_FILES, () -> Math.max(0, openFiles.getAsLong()
                - connections.getAsLong() - Math.min(metricsSockets.getAsLong(), metricsSocketCap)), reserve));
        resources.add(new MonitoredResource(Resource.CONNECTIONS, connections, limits.connectionCap()));
        Duration idleTimeout = limits.config().memoryBreachIdleTimeout();
        IdleMemoryBreachRule idleRule = idleTimeout.isZero() ? null
                : new IdleMemoryBreachRule(admittedConnections, idleTimeout, System::nanoTime);
        return new ResourceMonitor(resources, limits.config().highWater(), limits.config().lowWater(), listener,
                idleRule);
    }

    /** Samples every resource once and applies the water marks. */
    public synchronized void sampleOnce() {
        for (MonitoredResource r : monitored) {
            if (r != null) {
                sample(r);
            }
        }
        if (idleRule != null) {
            idleRule.evaluate(breachActive(Resource.HEAP) || breachActive(Resource.DIRECT_MEMORY));
        }
    }

    /**
     * Whether heap or direct memory has stayed in breach with no connection for the idle rule's timeout (false
     * without a rule): the server will not recover by itself, so liveness should fail.
     */
    public boolean memoryBreachIdle() {
        return idleRule != null && idleRule.idle();
    }

    /** The idle-breach rule's timeout, or zero without a rule. */
    public Duration memoryBreachIdleTimeout() {
        return idleRule == null ? Duration.ZERO : idleRule.timeout();
    }

    private void sample(MonitoredResource r) {
        int i = r.resource().ordinal();
        long value;
        try {
            value = r.usage().getAsLong();
        } catch (RuntimeException e) {
            // Keep the last state: a sampler that cannot read is no evidence either way. Logged once per streak.
            if (!samplerFailing[i]) {
                samplerFailing[i] = true;
                LOG.warn("cannot sample {}; keeping its last state", r.resource().label(), e);
            }
            return;
        }
        if (samplerFailing[i]) {
            samplerFailing[i] = false;
            LOG.info("sampling {} works again", r.resource().label());
        }
        double ratio = r.limit() > 0 ? (double) value / r.limit() : 0.0;
        values.set(i, value);
        ratioBits.set(i, Double.doubleToRawLongBits(ratio));
        boolean inBreach = active.get(i) != 0;
        if (!inBreach && ratio >= highWater) {
            active.set(i, 1);
            breaches.incrementAndGet(i);
            LOG.atWarn()
                    .addKeyValue("resource", r.resource().label())
                    .addKeyValue("value", value)
                    .addKeyValue("limit", r.limit())
                    .log("resource breach: {} at {} of limit {} (high water {})",
                            r.resource().label(), value, r.limit(), highWater);
            listener.breachStarted(r.resource(), value, r.limit());
        } else if (inBreach && ratio < lowWater) {
            active.set(i, 0);
            LOG.atInfo()
                    .addKeyValue("resource", r.resource().label())
                    .addKeyValue("value", value)
                    .addKeyValue("limit", r.limit())
                    .log("resource breach cleared: {} at {} of limit {} (low water {})",
                            r.resource().label(), value, r.limit(), lowWater);
            listener.breachCleared(r.resource(), value, r.limit());
        }
    }

    /**
     * Samples every {@code interval} on the given scheduler, which the caller owns (and shuts down). Sampling stops
     * at {@link #close()}.
     */
    public synchronized void start(ScheduledExecutorService scheduler, Duration interval) {
        if (task != null) {
            throw new IllegalStateException("already started");
        }
        long nanos = interval.toNanos();
        task = scheduler.scheduleWithFixedDelay(this::sampleScheduled, 0, nanos, TimeUnit.NANOSECONDS);
    }

    /** Samples every {@code interval} on a daemon thread of its own, stopped by {@link #close()}. */
    public synchronized void start(Duration interval) {
        ownScheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread t = new Thread(runnable, "tick-storm-resource-monitor");
            t.setDaemon(true);
            return t;
        });
        start(ownScheduler, interval);
    }

    private void sampleScheduled() {
        try {
            sampleOnce();
        } catch (RuntimeException e) {
            // An exception would silently cancel the periodic task; log it and keep sampling.
            LOG.error("resource sampling failed", e);
        }
    }

    /** Stops sampling (the accessors keep their last values); shuts down the thread this monitor started, if any. */
    @Override
    public synchronized void close() {
        if (task != null) {
            task.cancel(false);
        }
        if (ownScheduler != null) {
            ownScheduler.shutdownNow();
        }
    }

    /** Last sampled usage / limit (0 when unlimited or not yet sampled). */
    public double usageRatio(Resource resource) {
        return Double.longBitsToDouble(ratioBits.get(resource.ordinal()));
    }

    /** Last sampled usage, in the resource's unit. */
    public long value(Resource resource) {
        return values.get(resource.ordinal());
    }

    /** The limit the resource is measured against (0 = unlimited or not watched). */
    public long limit(Resource resource) {
        MonitoredResource r = monitored[resource.ordinal()];
        return r == null ? 0 : r.limit();
    }

    /** Whether the resource is in breach now. */
    public boolean breachActive(Resource resource) {
        return active.get(resource.ordinal()) != 0;
    }

    /** Breaches the resource has entered since this monitor was created. */
    public long breachCount(Resource resource) {
        return breaches.get(resource.ordinal());
    }

    /** Whether any resource is in breach now. */
    public boolean anyBreach() {
        for (int i = 0; i < COUNT; i++) {
            if (active.get(i) != 0) {
                return true;
            }
        }
        return false;
    }

    /** The resources in breach now (a fresh set, possibly empty). */
    public Set<Resource> activeBreaches() {
        Set<Resource> set = EnumSet.noneOf(Resource.class);
        for (Resource r : Resource.values()) {
            if (breachActive(r)) {
                set.add(r);
            }
        }
        return set;
    }
}

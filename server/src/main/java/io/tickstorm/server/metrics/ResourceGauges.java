package io.tickstorm.server.metrics;

import io.tickstorm.limits.Limits;
import io.tickstorm.limits.Resource;
import io.tickstorm.limits.ResourceMonitor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleSupplier;

/**
 * The limits derived from the container and the resource monitor's view of them, read at scrape time: each limit,
 * each resource's usage ratio, whether it is in breach and how often it was. Registered once by the server.
 */
public final class ResourceGauges {

    private ResourceGauges() {
    }

    /** Registers the limit and resource series on {@code metrics}. */
    public static void register(ServerMetrics metrics, Limits limits, ResourceMonitor monitor) {
        Map<List<String>, DoubleSupplier> caps = new LinkedHashMap<>();
        limits.gauges().forEach((resource, value) -> caps.put(List.of(resource), () -> value));
        metrics.gauge(ServerMetrics.LIMIT, "Limits derived from the container (+Inf = unlimited).",
                List.of("resource"), caps);
        Map<List<String>, DoubleSupplier> ratios = new LinkedHashMap<>();
        Map<List<String>, DoubleSupplier> active = new LinkedHashMap<>();
        Map<List<String>, DoubleSupplier> breaches = new LinkedHashMap<>();
        for (Resource resource : Resource.values()) {
            List<String> label = List.of(resource.label());
            ratios.put(label, () -> monitor.usageRatio(resource));
            active.put(label, () -> monitor.breachActive(resource) ? 1 : 0);
            breaches.put(label, () -> monitor.breachCount(resource));
        }
        metrics.gauge(ServerMetrics.RESOURCE_USAGE_RATIO, "Resource use as a fraction of its limit.",
                List.of("resource"), ratios);
        metrics.gauge(ServerMetrics.RESOURCE_BREACH_ACTIVE, "1 while the resource is above its high-water mark.",
                List.of("resource"), active);
        metrics.counter(ServerMetrics.RESOURCE_BREACHES, "Resource breaches declared, by resource.",
                List.of("resource"), breaches);
    }
}

package io.tickstorm.server.metrics;

import io.prometheus.client.Collector;
import io.prometheus.client.CounterMetricFamily;
import io.prometheus.client.GaugeMetricFamily;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleSupplier;

/**
 * A metric family whose values are read at scrape time from suppliers owned by another component (the feed, the
 * fan-out, the limits), so nothing on a hot path has to keep it up to date. Label values are fixed when it is
 * built, so the label set is bounded by construction.
 */
final class CallbackCollector extends Collector {

    private final Type type;
    private final String name;
    private final String help;
    private final List<String> labelNames;
    private final Map<List<String>, DoubleSupplier> series;

    /**
     * @param type {@link Type#GAUGE} or {@link Type#COUNTER} (then the suppliers must be monotonic)
     */
    CallbackCollector(Type type, String name, String help, List<String> labelNames,
            Map<List<String>, DoubleSupplier> series) {
        if (type != Type.GAUGE && type != Type.COUNTER) {
            throw new IllegalArgumentException("only gauges and counters are read by callback, not " + type);
        }
        this.type = type;
        this.name = name;
        this.help = help;
        this.labelNames = List.copyOf(labelNames);
        this.series = Map.copyOf(series);
    }

    @Override
    public List<MetricFamilySamples> collect() {
        if (type == Type.COUNTER) {
            CounterMetricFamily family = new CounterMetricFamily(name, help, labelNames);
            series.forEach((labels, value) -> family.addMetric(labels, value.getAsDouble()));
            return List.of(family);
        }
        GaugeMetricFamily family = new GaugeMetricFamily(name, help, labelNames);
        series.forEach((labels, value) -> family.addMetric(labels, value.getAsDouble()));
        return List.of(family);
    }
}

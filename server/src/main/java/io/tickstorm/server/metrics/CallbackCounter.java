package io.tickstorm.server.metrics;

import io.prometheus.client.Collector;
import io.prometheus.client.CounterMetricFamily;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleSupplier;

/** A counter family read at scrape time from monotonic suppliers owned by another component (e.g. the feed). */
final class CallbackCounter extends Collector {

    private final String name;
    private final String help;
    private final List<String> labelNames;
    private final Map<List<String>, DoubleSupplier> series;

    CallbackCounter(String name, String help, List<String> labelNames, Map<List<String>, DoubleSupplier> series) {
        this.name = name;
        this.help = help;
        this.labelNames = List.copyOf(labelNames);
        this.series = Map.copyOf(series);
    }

    @Override
    public List<MetricFamilySamples> collect() {
        CounterMetricFamily family = new CounterMetricFamily(name, help, labelNames);
        series.forEach((labels, value) -> family.addMetric(labels, value.getAsDouble()));
        List<MetricFamilySamples> families = new ArrayList<>(1);
        families.add(family);
        return families;
    }
}

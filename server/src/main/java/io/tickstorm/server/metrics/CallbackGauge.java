package io.tickstorm.server.metrics;

import io.prometheus.client.Collector;
import io.prometheus.client.GaugeMetricFamily;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleSupplier;

/**
 * A gauge family whose values are read at scrape time from suppliers, so nothing on a hot path has to keep a gauge
 * up to date. The label values are fixed when the gauge is built (bounded by construction).
 */
final class CallbackGauge extends Collector {

    private final String name;
    private final String help;
    private final List<String> labelNames;
    private final Map<List<String>, DoubleSupplier> series;

    CallbackGauge(String name, String help, List<String> labelNames, Map<List<String>, DoubleSupplier> series) {
        this.name = name;
        this.help = help;
        this.labelNames = List.copyOf(labelNames);
        this.series = Map.copyOf(series);
    }

    @Override
    public List<MetricFamilySamples> collect() {
        GaugeMetricFamily family = new GaugeMetricFamily(name, help, labelNames);
        series.forEach((labels, value) -> family.addMetric(labels, value.getAsDouble()));
        List<MetricFamilySamples> families = new ArrayList<>(1);
        families.add(family);
        return families;
    }
}

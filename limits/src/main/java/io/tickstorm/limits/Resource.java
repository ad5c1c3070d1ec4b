package io.tickstorm.limits;

/** A resource the {@link ResourceMonitor} watches; {@link #label()} is its Prometheus label value. */
public enum Resource {
    /** Heap in use right after the last GC, against the maximum heap. */
    HEAP("heap"),
    /** Direct (off-heap) buffer memory in use, against the direct-memory budget. */
    DIRECT_MEMORY("direct_memory"),
    /** Open file descriptors, against the open-file limit. */
    OPEN_FILES("open_files"),
    /** Admitted connections, against the connection cap. */
    CONNECTIONS("connections");

    private final String label;

    Resource(String label) {
        this.label = label;
    }

    /** The value of the {@code resource} label on the resource gauges and counters. */
    public String label() {
        return label;
    }
}

package io.tickstorm.limits;

import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * One resource the monitor samples: how to read its usage and the limit it is measured against.
 *
 * @param resource   which resource
 * @param usage      reads the current usage, in the limit's unit; called on the sampling thread
 * @param limit      the limit; 0 means unlimited (the resource is sampled but never breaches)
 */
public record MonitoredResource(Resource resource, LongSupplier usage, long limit) {

    public MonitoredResource {
        Objects.requireNonNull(resource, "resource");
        Objects.requireNonNull(usage, "usage");
        if (limit < 0) {
            throw new IllegalArgumentException(resource.label() + " limit must not be negative, was " + limit);
        }
    }
}

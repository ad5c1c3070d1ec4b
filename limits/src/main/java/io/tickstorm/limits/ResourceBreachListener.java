package io.tickstorm.limits;

/**
 * Told when a resource enters or leaves breach; called on the monitor's sampling thread, so keep it short (flip a
 * flag, never block).
 */
public interface ResourceBreachListener {

    /** Ignores every transition (the monitor's accessors still report them). */
    ResourceBreachListener NONE = new ResourceBreachListener() {
        @Override
        public void breachStarted(Resource resource, long value, long limit) {
            // Deliberately nothing: callers that only poll the monitor's accessors need no callback.
        }

        @Override
        public void breachCleared(Resource resource, long value, long limit) {
            // Deliberately nothing, as above.
        }
    };

    /** Usage reached the high-water ratio of the limit. */
    void breachStarted(Resource resource, long value, long limit);

    /** Usage fell below the low-water ratio of the limit. */
    void breachCleared(Resource resource, long value, long limit);
}

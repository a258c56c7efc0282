package codex.agent.model;

import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Model latency, recorded into Micrometer's global registry: a no-op until a server process adds
 * a registry to it (`codex serve` does; `codex exec` does not). Tags: the provider id, and the
 * HTTP status or the outcome; never a session.
 */
final class ModelMetrics {
    private static final Duration[] BUCKETS = {Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
            Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(10),
            Duration.ofSeconds(30), Duration.ofSeconds(60), Duration.ofMinutes(5)};

    private ModelMetrics() {
    }

    /**
     * Nothing would keep the figure: skip building the timer (builder, tags, SLO config and a
     * registry look-up per call were ~2 % of the event loop's CPU samples per step in `codex exec`).
     * A registry added later still gets every later recording.
     */
    private static boolean noRegistry() {
        return Metrics.globalRegistry.getRegistries().isEmpty();
    }

    /** From sending one request to the model server to its response headers (one attempt; retries count apart). */
    static void responded(String provider, int status, long nanos) {
        if (noRegistry()) {
            return;
        }
        Timer.builder("codex.model.latency").description("Model request sent to response headers, per attempt")
                .tags("provider", String.valueOf(provider), "status", String.valueOf(status))
                .serviceLevelObjectives(BUCKETS).register(Metrics.globalRegistry).record(nanos, TimeUnit.NANOSECONDS);
    }

    /** From sending one request to the end of its streamed response (or its failure). */
    static void streamed(String provider, boolean ok, long nanos) {
        if (noRegistry()) {
            return;
        }
        Timer.builder("codex.model.response").description("Model request sent to the end of its stream, per attempt")
                .tags("provider", String.valueOf(provider), "outcome", ok ? "complete" : "failed")
                .serviceLevelObjectives(BUCKETS).register(Metrics.globalRegistry).record(nanos, TimeUnit.NANOSECONDS);
    }
}

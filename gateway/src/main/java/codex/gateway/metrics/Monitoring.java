package codex.gateway.metrics;

import io.micrometer.core.instrument.Metrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import java.util.EnumSet;

/**
 * One Prometheus registry for a server process: Vert.x reports its HTTP server, HTTP client and
 * event-bus meters into it, and it joins Micrometer's global registry, where the gateway and the
 * agent record theirs. Labels are chosen for few series: the route pattern, never the path or an
 * event-bus address (both carry session ids).
 */
public final class Monitoring {
    private Monitoring() {
    }

    public static PrometheusMeterRegistry newRegistry() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Metrics.addRegistry(registry);
        return registry;
    }

    /** Vert.x with its meters in {@code registry}: the options to build it with and the factory. */
    public static VertxBuilder instrument(VertxBuilder builder, VertxOptions options, PrometheusMeterRegistry registry) {
        options.setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true)
                .setLabels(EnumSet.of(Label.HTTP_ROUTE, Label.HTTP_METHOD, Label.HTTP_CODE, Label.EB_SIDE)));
        return builder.with(options).withMetrics(new MicrometerMetricsFactory(registry));
    }
}

package codex.protocol;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * Readiness on the bus: every service answers {@link Addresses#ping(String)} once its consumers are
 * registered, so a front end can tell "reachable" from "deployed somewhere, maybe". A consumer
 * registered in a verticle goes away with it.
 */
public final class ServicePing {
    /** The services of the system, in the order they are deployed. */
    public static final List<String> SERVICES = List.of("sandbox", "notifier", "agent", "gateway");

    private ServicePing() {
    }

    /** Registers the answer for {@code service}; completes once it is registered. */
    public static Future<Void> answer(Vertx vertx, String service) {
        JsonObject reply = new JsonObject().put("service", service).put("ok", true);
        return vertx.eventBus().consumer(Addresses.ping(service), msg -> msg.reply(reply)).completion();
    }

    /** Whether {@code service} answers within {@code timeoutMs} (never fails: false instead). */
    public static Future<Boolean> probe(Vertx vertx, String service, long timeoutMs) {
        return vertx.eventBus().request(Addresses.ping(service), new JsonObject(),
                        new DeliveryOptions().setSendTimeout(timeoutMs))
                .map(reply -> true)
                .otherwise(false);
    }
}

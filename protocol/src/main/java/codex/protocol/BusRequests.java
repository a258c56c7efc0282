package codex.protocol;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;

/**
 * Event-bus requests that ride out a cluster's warm-up: a consumer registered on one node is known
 * to the others a moment later, and until then a request fails with NO_HANDLERS. Such a failure is
 * retried with a short backoff until {@link #WARM_UP_MS} have passed; every other failure is final.
 * In one JVM registration is immediate, so nothing is retried there.
 */
public final class BusRequests {
    /** How long an address may take to become known cluster-wide. */
    public static final long WARM_UP_MS = 5_000;

    private BusRequests() {
    }

    public static <T> Future<Message<T>> request(Vertx vertx, String address, Object body, DeliveryOptions options) {
        return attempt(vertx, address, body, options, System.currentTimeMillis() + WARM_UP_MS, 20);
    }

    private static <T> Future<Message<T>> attempt(Vertx vertx, String address, Object body, DeliveryOptions options,
                                                  long deadline, long delayMs) {
        return vertx.eventBus().<T>request(address, body, options).recover(err -> {
            if (err instanceof ReplyException re && re.failureType() == ReplyFailure.NO_HANDLERS
                    && vertx.isClustered() && System.currentTimeMillis() + delayMs < deadline) {
                Promise<Message<T>> retried = Promise.promise();
                vertx.setTimer(delayMs, t -> BusRequests.<T>attempt(vertx, address, body, options, deadline,
                        Math.min(delayMs * 2, 500)).onComplete(retried));
                return retried.future();
            }
            return Future.failedFuture(err);
        });
    }
}

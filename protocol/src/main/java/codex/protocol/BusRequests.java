package codex.protocol;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;

/**
 * Event-bus requests that ride out a cluster's warm-up: a consumer registered on one node is known
 * to the others a moment later, and until then a request fails with NO_HANDLERS. Such a failure is
 * retried with a short backoff until {@link #WARM_UP_MS} have passed; every other failure is final.
 * In one JVM registration is immediate, so nothing is retried there.
 *
 * <p>{@link #call} is the typed way to ask: a record from protocol goes out, a record comes back
 * (a reply that does not decode fails the future with the reason); {@link #decode} is the
 * consumer's side, refusing a body that lacks a required field with 400 and the reason.
 */
public final class BusRequests {
    /** How long an address may take to become known cluster-wide. */
    public static final long WARM_UP_MS = 5_000;

    private BusRequests() {
    }

    /** The failure code a consumer replies when a request body does not decode. */
    public static final int BAD_REQUEST = 400;

    /** Sends {@code request} (a protocol record) and decodes the reply as {@code replyType}. */
    public static <R> Future<R> call(Vertx vertx, String address, Object request, Class<R> replyType,
                                     DeliveryOptions options) {
        return BusRequests.<JsonObject>request(vertx, address, Json.toJson(request), options).compose(reply -> {
            try {
                return Future.succeededFuture(Json.fromJson(reply.body(), replyType));
            } catch (IllegalArgumentException e) {
                return Future.failedFuture(new IllegalStateException("bad reply from " + address + ": " + e.getMessage(), e));
            }
        });
    }

    /**
     * The body of {@code msg} as {@code type}; when it does not decode (a required field missing, a
     * bad value), the message is failed with {@link #BAD_REQUEST} and the reason, and null returned.
     */
    public static <T> T decode(Message<JsonObject> msg, Class<T> type) {
        try {
            if (msg.body() == null) {
                throw new IllegalArgumentException("cannot decode " + type.getSimpleName() + ": the body is empty");
            }
            return Json.fromJson(msg.body(), type);
        } catch (IllegalArgumentException e) {
            msg.fail(BAD_REQUEST, e.getMessage());
            return null;
        }
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

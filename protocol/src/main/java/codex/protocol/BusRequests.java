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
 * <p>{@link #call} is the typed way to ask: a record from protocol goes out as itself
 * ({@link BusCodecs}: the object in one JVM, its JSON between JVMs), a record comes back (a reply
 * that does not decode fails the future with the reason); {@link #decode} is the consumer's side,
 * refusing a body that lacks a required field with 400 and the reason. Both also take a body that
 * is a {@link JsonObject} (a test, an older sender, JSON from HTTP) and decode it as before.
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
        return BusRequests.request(vertx, address, request, options).compose(reply -> {
            try {
                return Future.succeededFuture(body(reply.body(), replyType));
            } catch (IllegalArgumentException e) {
                return Future.failedFuture(new IllegalStateException("bad reply from " + address + ": " + e.getMessage(), e));
            }
        });
    }

    /**
     * The body of {@code msg} as {@code type}; when it does not decode (a required field missing, a
     * bad value), the message is failed with {@link #BAD_REQUEST} and the reason, and null returned.
     */
    public static <T> T decode(Message<?> msg, Class<T> type) {
        try {
            return body(msg.body(), type);
        } catch (IllegalArgumentException e) {
            msg.fail(BAD_REQUEST, e.getMessage());
            return null;
        }
    }

    /**
     * A message body as {@code type}: the record itself (one JVM), the record decoded from another
     * JVM, or a JSON object decoded now.
     *
     * @throws IllegalArgumentException when it is none of these or does not decode (the reason)
     */
    public static <T> T body(Object body, Class<T> type) {
        if (type.isInstance(body)) {
            return type.cast(body);
        }
        if (body instanceof JsonObject json) {
            return Json.fromJson(json, type);
        }
        if (body instanceof Undecodable u) {
            throw new IllegalArgumentException(u.reason());
        }
        throw new IllegalArgumentException("cannot decode " + type.getSimpleName() + ": "
                + (body == null ? "the body is empty" : "the body is a " + body.getClass().getSimpleName()));
    }

    /**
     * A body as a JSON object, whatever way it came (a record, a JSON object, what an undecodable
     * body held), for code that reads single fields of several kinds of body; null for none.
     */
    public static JsonObject asJson(Object body) {
        if (body == null || body instanceof JsonObject) {
            return (JsonObject) body;
        }
        if (body instanceof Undecodable u) {
            return u.raw();
        }
        return Json.toJson(body);
    }

    public static <T> Future<Message<T>> request(Vertx vertx, String address, Object body, DeliveryOptions options) {
        BusCodecs.register(vertx);
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

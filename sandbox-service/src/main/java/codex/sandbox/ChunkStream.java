package codex.sandbox;

import codex.protocol.BusRequests;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Streams one command's output chunks to the caller's address, in order and without losing the
 * first ones in a cluster that has not yet learned of that address: the first chunk is a request
 * that waits for the caller's acknowledgement (retried while the address is unknown), later ones
 * are held until it arrives and then sent as plain messages. Called from executor threads.
 */
final class ChunkStream {
    private static final DeliveryOptions FIRST_CHUNK = new DeliveryOptions().setSendTimeout(BusRequests.WARM_UP_MS + 1_000);
    private final Vertx vertx;
    private final String address;
    private final Deque<Object> held = new ArrayDeque<>();
    private final Promise<Void> routeReady = Promise.promise();
    private boolean started;
    private boolean routed;

    ChunkStream(Vertx vertx, String address) {
        this.vertx = vertx;
        this.address = address;
    }

    /** @param chunk a protocol record (an {@code OutputChunk}, an {@code ExecStarted}) */
    synchronized void send(Object chunk) {
        if (routed) {
            vertx.eventBus().send(address, chunk);
        } else if (!started) {
            started = true;
            BusRequests.request(vertx, address, chunk, FIRST_CHUNK).onComplete(ar -> flush());
        } else {
            held.addLast(chunk);
        }
    }

    /** Completes once every chunk given so far has been handed to the event bus (the result may follow). */
    synchronized Future<Void> drained() {
        if (!started) {
            return Future.succeededFuture();
        }
        return routeReady.future();
    }

    private synchronized void flush() {
        // acknowledged or given up: either way, stop holding back (best effort after a failure)
        routed = true;
        while (!held.isEmpty()) {
            vertx.eventBus().send(address, held.pollFirst());
        }
        routeReady.tryComplete();
    }
}

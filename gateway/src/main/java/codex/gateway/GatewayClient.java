package codex.gateway;

import codex.protocol.Addresses;
import codex.protocol.BusRequests;
import codex.protocol.Event;
import codex.protocol.Json;
import codex.protocol.SessionConfig;
import codex.protocol.Submission;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** How a front end (exec, the terminal client, tests) talks to the gateway over the event bus. */
public final class GatewayClient {
    private static final DeliveryOptions CALL = new DeliveryOptions().setSendTimeout(60_000);
    private final Vertx vertx;

    public GatewayClient(Vertx vertx) {
        this.vertx = vertx;
    }

    /** Opens a session; completes with its id once the agent has configured it. */
    public Future<String> createSession(SessionConfig config, String resumeSessionId) {
        JsonObject body = new JsonObject().put("config", Json.toJson(config));
        if (resumeSessionId != null) {
            body.put("resume_session_id", resumeSessionId);
        }
        return BusRequests.<JsonObject>request(vertx, Addresses.GATEWAY_CREATE_SESSION, body, CALL)
                .map(reply -> reply.body().getString("session_id"));
    }

    public Future<Void> submit(String sessionId, Submission submission) {
        JsonObject body = new JsonObject().put("session_id", sessionId).put("submission", Json.toJson(submission));
        return BusRequests.<JsonObject>request(vertx, Addresses.GATEWAY_SUBMIT, body, CALL).mapEmpty();
    }

    /**
     * Delivers every event with seq greater than {@code afterSeq}, in order and without gaps or
     * repeats: live events that arrive while the replay is in flight are held back until it is in.
     */
    public Future<MessageConsumer<JsonObject>> subscribe(String sessionId, long afterSeq, Consumer<Event> handler) {
        var state = new Object() {
            long lastSeq = afterSeq;
            boolean replayed;
            final List<JsonObject> held = new ArrayList<>();

            void deliver(JsonObject json) {
                long seq = json.getLong("seq", 0L);
                if (seq > lastSeq) {
                    lastSeq = seq;
                    handler.accept(Json.fromJson(json, Event.class));
                }
            }
        };
        MessageConsumer<JsonObject> consumer = vertx.eventBus().consumer(Addresses.clientEvents(sessionId), msg -> {
            if (state.replayed) {
                state.deliver(msg.body());
            } else {
                state.held.add(msg.body());
            }
        });
        return consumer.completion()
                .compose(v -> BusRequests.<JsonObject>request(vertx, Addresses.GATEWAY_REPLAY,
                        new JsonObject().put("session_id", sessionId).put("after_seq", afterSeq), CALL))
                .map(reply -> {
                    reply.body().getJsonArray("events").forEach(e -> state.deliver((JsonObject) e));
                    state.replayed = true;
                    state.held.forEach(state::deliver);
                    state.held.clear();
                    return consumer;
                });
    }
}

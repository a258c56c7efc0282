package codex.gateway;

import codex.protocol.Addresses;
import codex.protocol.BusCodecs;
import codex.protocol.BusRequests;
import codex.protocol.Event;
import codex.protocol.SessionConfig;
import codex.protocol.SessionMessages.Accepted;
import codex.protocol.SessionMessages.CreateSession;
import codex.protocol.SessionMessages.Replay;
import codex.protocol.SessionMessages.Replayed;
import codex.protocol.SessionMessages.SessionCreated;
import codex.protocol.SessionMessages.Submit;
import codex.protocol.Submission;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** How a front end (exec, the terminal client, tests) talks to the gateway over the event bus. */
public final class GatewayClient {
    private static final DeliveryOptions CALL = new DeliveryOptions().setSendTimeout(60_000);
    private final Vertx vertx;

    public GatewayClient(Vertx vertx) {
        this.vertx = vertx;
        BusCodecs.register(vertx); // events and replies arrive as records, from this JVM or another
    }

    /** Opens a session; completes with its id once the agent has configured it. */
    public Future<String> createSession(SessionConfig config, String resumeSessionId) {
        return open(config, resumeSessionId).map(SessionCreated::sessionId);
    }

    /** Opens a session; completes with the gateway's answer (id, and where a resumed session's history ends). */
    public Future<SessionCreated> open(SessionConfig config, String resumeSessionId) {
        return BusRequests.call(vertx, Addresses.GATEWAY_CREATE_SESSION, new CreateSession(config, resumeSessionId),
                SessionCreated.class, CALL);
    }

    public Future<Void> submit(String sessionId, Submission submission) {
        return BusRequests.call(vertx, Addresses.GATEWAY_SUBMIT, new Submit(sessionId, submission), Accepted.class, CALL)
                .mapEmpty();
    }

    /**
     * Delivers every event with seq greater than {@code afterSeq}, in order and without gaps or
     * repeats: live events that arrive while the replay is in flight are held back until it is in.
     */
    public Future<MessageConsumer<Object>> subscribe(String sessionId, long afterSeq, Consumer<Event> handler) {
        var state = new Object() {
            long lastSeq = afterSeq;
            boolean replayed;
            final List<Event> held = new ArrayList<>();

            void deliver(Event event) {
                if (event.seq() > lastSeq) {
                    lastSeq = event.seq();
                    handler.accept(event);
                }
            }
        };
        MessageConsumer<Object> consumer = vertx.eventBus().consumer(Addresses.clientEvents(sessionId), msg -> {
            // the gateway's record as it is (one JVM) or decoded from another; JSON from other senders
            Event event = BusRequests.body(msg.body(), Event.class);
            if (state.replayed) {
                state.deliver(event);
            } else {
                state.held.add(event);
            }
        });
        return consumer.completion()
                .compose(v -> BusRequests.call(vertx, Addresses.GATEWAY_REPLAY, new Replay(sessionId, afterSeq),
                        Replayed.class, CALL))
                .map(replayed -> {
                    replayed.events().forEach(state::deliver);
                    state.replayed = true;
                    state.held.forEach(state::deliver);
                    state.held.clear();
                    return consumer;
                });
    }
}

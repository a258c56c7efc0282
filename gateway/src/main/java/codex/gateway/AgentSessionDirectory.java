package codex.gateway;

import codex.protocol.Addresses;
import codex.protocol.BusRequests;
import codex.protocol.Json;
import codex.protocol.SessionMessages.ListSessions;
import codex.protocol.SessionMessages.ReadRecordedEvents;
import codex.protocol.SessionMessages.RecordedEvents;
import codex.protocol.SessionMessages.RecordedSession;
import codex.protocol.SessionMessages.ResolveSession;
import codex.protocol.SessionMessages.ResolvedSession;
import codex.protocol.SessionMessages.SessionList;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The recorded sessions of one codex home, asked of agent-service over the bus
 * ({@link Addresses#AGENT_LIST_SESSIONS}, {@link Addresses#AGENT_RESOLVE_SESSION},
 * {@link Addresses#AGENT_SESSION_EVENTS}): front ends and
 * the gateway never read rollout files themselves.
 */
public final class AgentSessionDirectory implements RecordedSessions {
    private static final DeliveryOptions CALL = new DeliveryOptions().setSendTimeout(30_000);
    private final Vertx vertx;
    private final String codexHome;

    /** @param codexHome where the sessions were recorded; null: the agent's own */
    public AgentSessionDirectory(Vertx vertx, Path codexHome) {
        this.vertx = vertx;
        this.codexHome = codexHome == null ? null : codexHome.toString();
    }

    @Override
    public Future<List<RecordedSession>> list(int limit) {
        return list(limit, null);
    }

    /** Newest first, at most {@code limit}, only those of {@code cwd} when it is not null. */
    public Future<List<RecordedSession>> list(int limit, String cwd) {
        return BusRequests.call(vertx, Addresses.AGENT_LIST_SESSIONS, new ListSessions(codexHome, limit, cwd),
                SessionList.class, CALL).map(SessionList::sessions);
    }

    /** The full id of the session named by its id or a unique prefix; fails with the agent's explanation. */
    public Future<String> resolve(String idOrPrefix) {
        return BusRequests.call(vertx, Addresses.AGENT_RESOLVE_SESSION, ResolveSession.byId(codexHome, idOrPrefix),
                ResolvedSession.class, CALL).map(ResolvedSession::sessionId);
    }

    /** The most recent session of {@code cwd}, else of any folder; fails when there is none. */
    public Future<String> latest(String cwd) {
        return BusRequests.call(vertx, Addresses.AGENT_RESOLVE_SESSION, ResolveSession.latest(codexHome, cwd),
                ResolvedSession.class, CALL).map(ResolvedSession::sessionId);
    }

    /** The session's recorded events in seq order, as JSON; empty when it has no durable log. */
    public Future<Optional<List<JsonObject>>> events(String sessionId) {
        return BusRequests.call(vertx, Addresses.AGENT_SESSION_EVENTS, new ReadRecordedEvents(codexHome, sessionId),
                        RecordedEvents.class, CALL)
                .map(r -> Optional.of(r.events().stream().map(Json::toJson).toList()))
                .recover(err -> err instanceof ReplyException re && re.failureCode() == 404
                        ? Future.succeededFuture(Optional.empty()) : Future.failedFuture(err));
    }
}

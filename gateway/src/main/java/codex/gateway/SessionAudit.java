package codex.gateway;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Optional;

/** A session's recorded events from its durable log, for the audit ({@link AgentSessionDirectory#events} asks agent-service). */
@FunctionalInterface
public interface SessionAudit {
    /** The events in order, or empty when the session has no durable log (e.g. history.persistence = none). */
    Future<Optional<List<JsonObject>>> events(String sessionId);
}

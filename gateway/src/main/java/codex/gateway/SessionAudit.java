package codex.gateway;

import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Optional;

/** Reads a session's recorded events from its durable log, for the audit. Blocking. */
@FunctionalInterface
public interface SessionAudit {
    /** The events in order, or empty when the session has no durable log here (e.g. history.persistence = none). */
    Optional<List<JsonObject>> events(String sessionId) throws Exception;
}

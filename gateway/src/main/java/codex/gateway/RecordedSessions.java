package codex.gateway;

import io.vertx.core.json.JsonArray;

/** Lists sessions recorded on disk (newest first) for clients that want to resume one. Blocking. */
@FunctionalInterface
public interface RecordedSessions {
    /** Each entry: {@code {session_id, started_at, cwd, preview}}. */
    JsonArray list(int limit) throws Exception;
}

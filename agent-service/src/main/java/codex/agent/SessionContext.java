package codex.agent;

import codex.protocol.EventMsg;
import codex.protocol.SessionConfig;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.List;

/** What the turn loop and the approval flows need from their session (implemented by {@link AgentSession}). */
interface SessionContext {
    String sessionId();

    SessionConfig config();

    /** The conversation so far (Responses-API items), read-only. */
    List<JsonObject> history();

    void addToHistory(JsonObject item);

    void emit(Turn turn, EventMsg msg);

    /** See {@link AgentSession.Hooks#checkpoint()}. */
    void checkpoint();

    /** A tool call's {@code workdir} against the session's cwd. */
    default String resolveCwd(String workdir) {
        Path base = Path.of(config().cwd());
        if (workdir == null || workdir.isBlank()) {
            return base.toString();
        }
        return base.resolve(workdir).normalize().toString();
    }
}

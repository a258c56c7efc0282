package codex.gateway;

import codex.protocol.SessionMessages.RecordedSession;
import io.vertx.core.Future;
import java.util.List;

/** Lists recorded sessions (newest first) for clients that want to resume one; {@link AgentSessionDirectory} asks agent-service. */
@FunctionalInterface
public interface RecordedSessions {
    Future<List<RecordedSession>> list(int limit);
}

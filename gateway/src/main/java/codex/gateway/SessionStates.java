package codex.gateway;

import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What each session is doing now, from the events it publishes: {@code running} between
 * {@code task_started} and the turn's end, {@code waiting} while an approval request is
 * unanswered, {@code idle} otherwise (also for sessions this server has not seen since it
 * started). A turn runs its tool calls one after another, so a request is answered as soon as
 * any other event of its turn follows it. Plain Java, fed by the HTTP gateway's event consumer.
 */
public final class SessionStates {
    public static final String IDLE = "idle";
    public static final String RUNNING = "running";
    public static final String WAITING = "waiting";

    private final Map<String, String> states = new ConcurrentHashMap<>();

    /** @param event an event as it travels on the bus */
    public void accept(codex.protocol.Event event) {
        if (event.sessionId() != null && event.msg() != null) {
            accept(event.sessionId(), event.turnId(), event.type());
        }
    }

    /** @param event an event's JSON ({@code {session_id, seq, msg: {type, …}}}) */
    public void accept(JsonObject event) {
        String session = event.getString("session_id");
        JsonObject msg = event.getJsonObject("msg");
        if (session == null || msg == null) {
            return;
        }
        accept(session, event.getString("turn_id"), String.valueOf(msg.getString("type")));
    }

    private void accept(String session, String turnId, String type) {
        switch (type) {
            case "task_complete", "turn_aborted", "shutdown_complete" -> states.put(session, IDLE);
            case "exec_approval_request", "apply_patch_approval_request" -> states.put(session, WAITING);
            case "session_configured" -> states.putIfAbsent(session, IDLE);
            default -> {
                if (turnId != null) {
                    states.put(session, RUNNING);
                }
            }
        }
    }

    public String stateOf(String sessionId) {
        return states.getOrDefault(sessionId, IDLE);
    }
}

package codex.agent;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A turn a session's log shows started and not ended (its agent stopped mid-turn), and the
 * commands of it that began without an end: what a new owner carries on from.
 *
 * @param runningCommands call id → command argv, of exec_command_begin events without their exec_command_end
 */
public record OpenTurn(String turnId, String submissionId, Map<String, List<String>> runningCommands) {

    /** From a session's recorded events, in order; null when the last turn ended (or none began). */
    public static OpenTurn of(List<JsonObject> events) {
        String turnId = null;
        String submissionId = null;
        Map<String, List<String>> running = new LinkedHashMap<>();
        for (JsonObject e : events) {
            JsonObject msg = e.getJsonObject("msg");
            String type = msg == null ? "" : msg.getString("type", "");
            switch (type) {
                case "task_started" -> {
                    turnId = e.getString("turn_id");
                    submissionId = e.getString("id");
                    running.clear();
                }
                case "task_complete", "turn_aborted" -> {
                    turnId = null;
                    running.clear();
                }
                case "exec_command_begin" -> {
                    JsonArray argv = msg.getJsonArray("command", new JsonArray());
                    running.put(msg.getString("call_id"), argv.stream().map(String::valueOf).toList());
                }
                case "exec_command_end" -> running.remove(msg.getString("call_id"));
                default -> { }
            }
        }
        return turnId == null ? null : new OpenTurn(turnId, submissionId, java.util.Collections.unmodifiableMap(running));
    }
}

package codex.agent.model;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * One request to the model, in Responses-API terms (the Chat client maps it).
 *
 * @param input              conversation items to send (the full history, or only new items after previousResponseId)
 * @param tools              tool specs in Responses form
 * @param previousResponseId null unless server-side storage is used
 * @param reasoning          {"effort","summary"} or null
 */
public record ModelRequest(String model, String instructions, List<JsonObject> input, JsonArray tools,
                           boolean store, String previousResponseId, JsonObject reasoning,
                           List<String> include, String sessionId) {
}

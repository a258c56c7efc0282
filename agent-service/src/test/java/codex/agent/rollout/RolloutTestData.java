package codex.agent.rollout;

import codex.protocol.Event;
import codex.protocol.EventMsg;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/** Conversation items shaped like the agent's Responses-API history, for rollout tests. */
final class RolloutTestData {
    private RolloutTestData() {
    }

    static JsonObject meta(String cwd) {
        return new JsonObject().put("cwd", cwd).put("model", "gpt-test").put("provider", "openai")
                .put("approval_policy", "on-request").put("sandbox_permissions", new JsonArray().add("disk-write-cwd"))
                .put("version", "0.1.0-test");
    }

    static JsonObject userMessage(String text) {
        return new JsonObject().put("type", "message").put("role", "user")
                .put("content", new JsonArray().add(new JsonObject().put("type", "input_text").put("text", text)));
    }

    static JsonObject assistantMessage(String text) {
        return new JsonObject().put("type", "message").put("role", "assistant")
                .put("content", new JsonArray().add(new JsonObject().put("type", "output_text").put("text", text)));
    }

    static List<JsonObject> conversation() {
        return List.of(
                userMessage("<environment_context>\n  <cwd>/w</cwd>\n</environment_context>"),
                userMessage("list the files\nand say hi"),
                new JsonObject().put("type", "reasoning").put("summary",
                        new JsonArray().add(new JsonObject().put("type", "summary_text").put("text", "Need ls"))),
                new JsonObject().put("type", "function_call").put("name", "shell").put("call_id", "call_1")
                        .put("arguments", "{\"command\":[\"ls\",\"-la\"]}"),
                new JsonObject().put("type", "function_call_output").put("call_id", "call_1")
                        .put("output", "{\"output\":\"a.txt\\nb ü 🙂\\n\",\"metadata\":{\"exit_code\":0}}"),
                assistantMessage("Hi! There are two files.\u2028Done."));
    }

    static Event event(String sessionId, long seq, EventMsg msg) {
        return new Event(sessionId, seq, "turn-1", "sub-1", 1_700_000_000_000L + seq, msg);
    }
}

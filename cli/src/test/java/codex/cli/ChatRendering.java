package codex.cli;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * Renders a scripted Responses-API event list as the Chat Completions stream a compatible server
 * would send for the same answer: text deltas, tool calls split into several argument fragments,
 * a finish reason, a usage chunk and [DONE].
 */
final class ChatRendering {
    private ChatRendering() {
    }

    static List<String> chunks(List<JsonObject> events) {
        List<String> out = new ArrayList<>();
        int toolIndex = 0;
        for (JsonObject e : events) {
            switch (e.getString("type")) {
                case "response.output_text.delta" -> out.add(chunk(new JsonObject().put("content", e.getString("delta"))));
                case "response.output_item.done" -> {
                    JsonObject item = e.getJsonObject("item");
                    if ("function_call".equals(item.getString("type"))) {
                        int index = toolIndex++;
                        out.add(chunk(new JsonObject().put("tool_calls", new JsonArray().add(new JsonObject()
                                .put("index", index).put("id", item.getString("call_id")).put("type", "function")
                                .put("function", new JsonObject().put("name", item.getString("name")).put("arguments", ""))))));
                        String args = item.getString("arguments");
                        int step = Math.max(1, args.length() / 3 + 1);
                        for (int i = 0; i < args.length(); i += step) {
                            out.add(chunk(new JsonObject().put("tool_calls", new JsonArray().add(new JsonObject()
                                    .put("index", index).put("function", new JsonObject()
                                            .put("arguments", args.substring(i, Math.min(args.length(), i + step))))))));
                        }
                    }
                }
                case "response.completed" -> {
                    out.add(new JsonObject().put("id", "chatcmpl-1").put("choices", new JsonArray().add(new JsonObject()
                            .put("index", 0).put("delta", new JsonObject())
                            .put("finish_reason", toolIndex > 0 ? "tool_calls" : "stop"))).encode());
                    JsonObject usage = e.getJsonObject("response").getJsonObject("usage");
                    if (usage != null) {
                        out.add(new JsonObject().put("id", "chatcmpl-1").put("choices", new JsonArray())
                                .put("usage", new JsonObject().put("prompt_tokens", usage.getInteger("input_tokens"))
                                        .put("completion_tokens", usage.getInteger("output_tokens"))
                                        .put("total_tokens", usage.getInteger("total_tokens"))).encode());
                    }
                    out.add("[DONE]");
                }
                case "error" -> out.add(new JsonObject().put("error", new JsonObject()
                        .put("message", e.getString("message")).put("code", e.getString("code"))).encode());
                default -> { }
            }
        }
        return out;
    }

    private static String chunk(JsonObject delta) {
        return new JsonObject().put("id", "chatcmpl-1").put("choices", new JsonArray()
                .add(new JsonObject().put("index", 0).put("delta", delta))).encode();
    }
}

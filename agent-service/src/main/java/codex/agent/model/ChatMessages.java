package codex.agent.model;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * Maps a {@link ModelRequest} (Responses-API terms) to a Chat Completions request body.
 * Plain JSON work, no I/O: the agent keeps its history as Responses items whatever the wire API.
 */
public final class ChatMessages {
    private ChatMessages() {
    }

    /**
     * The streaming request body. store, previous_response_id, reasoning and include have no
     * Chat Completions counterpart and are left out.
     */
    public static JsonObject requestBody(ModelRequest request) {
        JsonObject body = new JsonObject()
                .put("model", request.model())
                .put("messages", messages(request.instructions(), request.input()))
                .put("stream", true)
                .put("stream_options", new JsonObject().put("include_usage", true));
        JsonArray tools = tools(request.tools());
        // OpenAI rejects tool_choice when no tools are given, so both go together.
        if (!tools.isEmpty()) {
            body.put("tools", tools).put("tool_choice", "auto");
        }
        return body;
    }

    /**
     * The conversation as chat messages: instructions first as the system message, then the
     * history. Consecutive function_call items become one assistant message with tool_calls,
     * joined to the assistant text right before them; reasoning items are dropped.
     */
    public static JsonArray messages(String instructions, List<JsonObject> input) {
        JsonArray out = new JsonArray();
        if (instructions != null && !instructions.isBlank()) {
            out.add(new JsonObject().put("role", "system").put("content", instructions));
        }
        for (JsonObject item : input == null ? List.<JsonObject>of() : input) {
            String type = item.getValue("type") instanceof String t ? t : (item.containsKey("role") ? "message" : "");
            switch (type) {
                case "message" -> addMessage(out, item);
                case "function_call" -> addToolCall(out, item);
                case "function_call_output" -> out.add(new JsonObject()
                        .put("role", "tool")
                        .put("tool_call_id", item.getString("call_id"))
                        .put("content", outputText(item.getValue("output"))));
                default -> { } // reasoning and item kinds chat cannot express
            }
        }
        return out;
    }

    /** Responses function tools {type,name,description,parameters} → chat {type,function:{…}}; other kinds are dropped. */
    public static JsonArray tools(JsonArray responsesTools) {
        JsonArray out = new JsonArray();
        if (responsesTools == null) {
            return out;
        }
        for (Object o : responsesTools) {
            if (!(o instanceof JsonObject tool) || !"function".equals(tool.getValue("type"))) {
                continue;
            }
            JsonObject function;
            if (tool.getValue("function") instanceof JsonObject already) {
                function = already.copy(); // already in chat form
            } else {
                function = new JsonObject().put("name", tool.getString("name"));
                if (tool.getValue("description") != null) {
                    function.put("description", tool.getValue("description"));
                }
                if (tool.getValue("parameters") != null) {
                    function.put("parameters", tool.getValue("parameters"));
                }
                if (tool.getValue("strict") != null) {
                    function.put("strict", tool.getValue("strict"));
                }
            }
            out.add(new JsonObject().put("type", "function").put("function", function));
        }
        return out;
    }

    private static void addMessage(JsonArray out, JsonObject item) {
        String role = item.getValue("role") instanceof String r ? r : "user";
        Object content = item.getValue("content");
        switch (role) {
            case "assistant" -> {
                String text = joinedText(content);
                JsonObject last = lastAssistantWithToolCalls(out);
                if (last != null && last.getValue("content") == null) {
                    // Text after tool calls of the same response: keep it on that message so the
                    // tool results still follow the tool_calls directly, as chat requires.
                    last.put("content", text);
                } else {
                    out.add(new JsonObject().put("role", "assistant").put("content", text));
                }
            }
            // "developer" is Responses' name for it; many chat servers only know "system".
            case "system", "developer" -> out.add(new JsonObject().put("role", "system").put("content", joinedText(content)));
            default -> out.add(new JsonObject().put("role", "user").put("content", userContent(content)));
        }
    }

    private static void addToolCall(JsonArray out, JsonObject item) {
        JsonObject call = new JsonObject()
                .put("id", item.getString("call_id", item.getString("id")))
                .put("type", "function")
                .put("function", new JsonObject()
                        .put("name", item.getString("name"))
                        .put("arguments", item.getValue("arguments") == null ? "{}" : item.getString("arguments")));
        JsonObject last = out.isEmpty() ? null : out.getJsonObject(out.size() - 1);
        if (last != null && "assistant".equals(last.getString("role"))) {
            JsonArray calls = last.getValue("tool_calls") instanceof JsonArray existing ? existing : new JsonArray();
            last.put("tool_calls", calls.add(call));
            return;
        }
        out.add(new JsonObject().put("role", "assistant").putNull("content")
                .put("tool_calls", new JsonArray().add(call)));
    }

    private static JsonObject lastAssistantWithToolCalls(JsonArray out) {
        if (out.isEmpty()) {
            return null;
        }
        JsonObject last = out.getJsonObject(out.size() - 1);
        return "assistant".equals(last.getString("role")) && last.getValue("tool_calls") != null ? last : null;
    }

    /** User content: a plain string, or chat parts when the message carries images. */
    private static Object userContent(Object content) {
        if (!(content instanceof JsonArray parts)) {
            return joinedText(content);
        }
        boolean hasImage = parts.stream().anyMatch(p -> p instanceof JsonObject o && "input_image".equals(o.getValue("type")));
        if (!hasImage) {
            return joinedText(content);
        }
        JsonArray chatParts = new JsonArray();
        for (Object p : parts) {
            if (!(p instanceof JsonObject part)) {
                continue;
            }
            if ("input_image".equals(part.getValue("type"))) {
                Object url = part.getValue("image_url");
                String u = url instanceof JsonObject o ? o.getString("url") : url == null ? null : url.toString();
                if (u != null) {
                    chatParts.add(new JsonObject().put("type", "image_url").put("image_url", new JsonObject().put("url", u)));
                }
            } else if (part.getValue("text") instanceof String text) {
                chatParts.add(new JsonObject().put("type", "text").put("text", text));
            }
        }
        return chatParts;
    }

    /** The text of Responses content: a string, or the text of its input_text/output_text parts joined. */
    static String joinedText(Object content) {
        if (content == null) {
            return "";
        }
        if (content instanceof String s) {
            return s;
        }
        if (content instanceof JsonArray parts) {
            StringBuilder sb = new StringBuilder();
            for (Object p : parts) {
                if (p instanceof JsonObject part && part.getValue("text") instanceof String text) {
                    sb.append(text);
                } else if (p instanceof String s) {
                    sb.append(s);
                }
            }
            return sb.toString();
        }
        return content.toString();
    }

    /** A function_call_output's output: usually a string; content parts are joined; anything else goes as JSON. */
    private static String outputText(Object output) {
        if (output == null) {
            return "";
        }
        if (output instanceof String s) {
            return s;
        }
        if (output instanceof JsonArray) {
            return joinedText(output);
        }
        if (output instanceof JsonObject o && o.getValue("content") instanceof String s) {
            return s; // {content, success} form some Responses clients use
        }
        return output instanceof JsonObject o ? o.encode() : output.toString();
    }
}

package codex.agent;

import codex.agent.tools.ToolOutputFormatter;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Reading and writing conversation items (Responses-API form), and repairing calls left without an output. */
final class Items {
    private Items() {
    }

    static String messageText(JsonObject item) {
        StringBuilder sb = new StringBuilder();
        for (Object o : item.getJsonArray("content", new JsonArray())) {
            if (o instanceof JsonObject part) {
                String t = part.getString("type", "");
                if (t.equals("output_text") || t.equals("text") || t.equals("input_text")) {
                    sb.append(part.getString("text", ""));
                }
            }
        }
        return sb.toString();
    }

    static String reasoningSummary(JsonObject item) {
        StringBuilder sb = new StringBuilder();
        for (Object o : item.getJsonArray("summary", new JsonArray())) {
            if (o instanceof JsonObject part && part.getString("text") != null) {
                if (sb.length() > 0) {
                    sb.append("\n\n");
                }
                sb.append(part.getString("text"));
            }
        }
        return sb.toString();
    }

    /** Output items go back to the model as they came, minus server-side ids that a store=false server can't resolve. */
    static JsonObject forHistory(JsonObject item) {
        JsonObject copy = item.copy();
        String type = copy.getString("type", "");
        if (type.equals("message") || type.equals("function_call")) {
            copy.remove("id");
            copy.remove("status");
        }
        return copy;
    }

    static JsonObject callOutput(String callId, String output) {
        return new JsonObject().put("type", "function_call_output").put("call_id", callId).put("output", output);
    }

    /**
     * Every function_call in the history needs an output, or the next request is rejected by the
     * server; a call cut short (interrupt, abort, crash) gets one that says {@code why}.
     *
     * @return the outputs to append, in call order (empty when nothing dangles)
     */
    static List<JsonObject> outputsForDanglingCalls(List<JsonObject> history, String why) {
        Set<String> answered = new HashSet<>();
        for (JsonObject item : history) {
            if ("function_call_output".equals(item.getString("type"))) {
                answered.add(item.getString("call_id"));
            }
        }
        List<JsonObject> outputs = new ArrayList<>();
        for (JsonObject item : history) {
            String callId = item.getString("call_id");
            if ("function_call".equals(item.getString("type")) && answered.add(callId)) {
                outputs.add(callOutput(callId, ToolOutputFormatter.commandOutput("", why, -1, 0, false, 0)));
            }
        }
        return outputs;
    }

    static String messageOf(Throwable t) {
        String m = t.getMessage();
        return m == null || m.isBlank() ? t.getClass().getSimpleName() : m;
    }
}

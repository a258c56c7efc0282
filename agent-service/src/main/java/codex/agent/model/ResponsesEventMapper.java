package codex.agent.model;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

/** Maps one Responses-API SSE event to a {@link ModelEvent}, or throws for failure events. */
public final class ResponsesEventMapper {
    private ResponsesEventMapper() {
    }

    /** @return the model event, or null for events that carry nothing we need */
    public static ModelEvent map(SseParser.SseEvent sse) {
        if (sse.data() == null || sse.data().isBlank() || "[DONE]".equals(sse.data().trim())) {
            return null;
        }
        JsonObject json;
        try {
            json = new JsonObject(sse.data());
        } catch (DecodeException e) {
            throw new ModelException("the model server sent an event that is not JSON: " + abbreviate(sse.data()), 0, true, -1);
        }
        String type = json.getString("type", sse.event());
        if (type == null) {
            return null;
        }
        return switch (type) {
            case "response.output_text.delta" -> new ModelEvent.TextDelta(json.getString("delta", ""));
            case "response.reasoning_summary_text.delta", "response.reasoning_text.delta" ->
                    new ModelEvent.ReasoningDelta(json.getString("delta", ""));
            case "response.output_item.done" -> {
                JsonObject item = json.getJsonObject("item");
                yield item == null ? null : new ModelEvent.ItemDone(item);
            }
            case "response.completed" -> {
                JsonObject response = json.getJsonObject("response", new JsonObject());
                yield new ModelEvent.Completed(response.getString("id"), usage(response.getJsonObject("usage")));
            }
            case "response.failed", "response.incomplete" -> {
                JsonObject response = json.getJsonObject("response", new JsonObject());
                JsonObject error = response.getJsonObject("error");
                if (error == null) {
                    JsonObject details = response.getJsonObject("incomplete_details", new JsonObject());
                    throw ModelException.fatal("the model response did not complete: "
                            + details.getString("reason", type));
                }
                throw failure(error);
            }
            case "error" -> {
                JsonObject error = json.getJsonObject("error");
                throw failure(error != null ? error : json);
            }
            default -> null;
        };
    }

    private static ModelException failure(JsonObject error) {
        String code = error.getString("code", error.getString("type", ""));
        String message = error.getString("message", "unknown error");
        boolean retryable = code != null && (code.contains("rate_limit") || code.equals("server_error")
                || code.equals("server_is_overloaded"));
        return new ModelException("model error" + (code == null || code.isEmpty() ? "" : " (" + code + ")")
                + ": " + message, 0, retryable, -1);
    }

    static ModelEvent.Usage usage(JsonObject u) {
        if (u == null) {
            return null;
        }
        long input = u.getLong("input_tokens", 0L);
        long output = u.getLong("output_tokens", 0L);
        long cached = u.getJsonObject("input_tokens_details", new JsonObject()).getLong("cached_tokens", 0L);
        long reasoning = u.getJsonObject("output_tokens_details", new JsonObject()).getLong("reasoning_tokens", 0L);
        return new ModelEvent.Usage(input, cached, output, reasoning, u.getLong("total_tokens", input + output));
    }

    static String abbreviate(String s) {
        return s.length() > 200 ? s.substring(0, 200) + "…" : s;
    }
}

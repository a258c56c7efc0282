package codex.agent.model;

import io.vertx.core.json.JsonObject;
import java.util.List;

/** A completed model response: its output items in order, usage and id. */
public record ModelResponse(String responseId, List<JsonObject> items, ModelEvent.Usage usage) {
}

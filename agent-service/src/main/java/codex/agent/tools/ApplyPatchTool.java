package codex.agent.tools;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** The dedicated {@code apply_patch} function tool, for models that call it directly instead of through shell. */
public final class ApplyPatchTool {
    private ApplyPatchTool() {
    }

    public static JsonObject toolSpec() {
        return new JsonObject()
                .put("type", "function")
                .put("name", "apply_patch")
                .put("description", "Edits files with a patch in the apply_patch format: *** Begin Patch, then "
                        + "*** Add File: / *** Delete File: / *** Update File: sections (with @@ hunks of ' ', '-', '+' "
                        + "lines), then *** End Patch. Paths are relative to the working directory.")
                .put("strict", false)
                .put("parameters", new JsonObject()
                        .put("type", "object")
                        .put("properties", new JsonObject()
                                .put("input", new JsonObject().put("type", "string")
                                        .put("description", "The entire patch, from *** Begin Patch to *** End Patch.")))
                        .put("required", new JsonArray().add("input"))
                        .put("additionalProperties", false));
    }

    /** @throws IllegalArgumentException with a message the model can act on */
    public static String parseInput(String argumentsJson) {
        try {
            JsonObject args = new JsonObject(argumentsJson == null || argumentsJson.isBlank() ? "{}" : argumentsJson);
            String input = args.getString("input");
            if (input == null || input.isBlank()) {
                throw new IllegalArgumentException("apply_patch needs `input`: the whole patch text");
            }
            return input;
        } catch (DecodeException | ClassCastException e) {
            throw new IllegalArgumentException("failed to parse apply_patch arguments: " + e.getMessage());
        }
    }
}

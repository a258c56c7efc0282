package codex.agent.model;

import io.vertx.core.json.JsonObject;

/** What a model stream says, independent of the wire API (Responses or Chat Completions). */
public sealed interface ModelEvent {
    /** A piece of assistant text. */
    record TextDelta(String delta) implements ModelEvent { }

    /** A piece of a reasoning summary. */
    record ReasoningDelta(String delta) implements ModelEvent { }

    /** A finished output item in Responses-API item form (message, function_call, reasoning). */
    record ItemDone(JsonObject item) implements ModelEvent { }

    /** The response finished. usage may be null. */
    record Completed(String responseId, Usage usage) implements ModelEvent { }

    record Usage(long inputTokens, long cachedInputTokens, long outputTokens, long reasoningOutputTokens,
                 long totalTokens) { }
}

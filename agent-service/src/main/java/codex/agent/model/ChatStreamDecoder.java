package codex.agent.model;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Decodes a Chat Completions stream ({@code chat.completion.chunk} events ending in
 * {@code data: [DONE]}) into model events and a {@link ModelResponse} in Responses-API item form:
 * one assistant message (if there was text), then one function_call item per tool call in index order.
 *
 * <p>The response is complete at [DONE]; also once a finish_reason and the usage chunk were both seen
 * (with include_usage the usage chunk is the last one before [DONE]); and, through {@link #endOfStream()},
 * when the server closes the stream after a finish_reason without ever sending [DONE].
 */
public final class ChatStreamDecoder implements StreamDecoder {

    /** One tool call being assembled from its fragments. */
    private static final class ToolCallBuilder {
        String id;
        String name;
        final StringBuilder arguments = new StringBuilder();
    }

    private final Consumer<ModelEvent> events;
    private final StringBuilder text = new StringBuilder();
    private final TreeMap<Integer, ToolCallBuilder> toolCalls = new TreeMap<>();
    private String responseId;
    private String finishReason;
    private ModelEvent.Usage usage;
    private List<JsonObject> items;
    private boolean done;

    public ChatStreamDecoder(Consumer<ModelEvent> events) {
        this.events = events;
    }

    @Override
    public void accept(SseParser.SseEvent sse) {
        if (done || sse.data() == null || sse.data().isBlank()) {
            return;
        }
        String data = sse.data().trim();
        if ("[DONE]".equals(data)) {
            complete();
            return;
        }
        JsonObject chunk;
        try {
            chunk = new JsonObject(data);
        } catch (DecodeException | ClassCastException e) {
            throw new ModelException("the model server sent a stream event that is not a JSON object: "
                    + ResponsesEventMapper.abbreviate(data), 0, true, -1);
        }
        if (chunk.getValue("error") != null) {
            throw failure(chunk.getValue("error"));
        }
        if (responseId == null && chunk.getValue("id") instanceof String id && !id.isEmpty()) {
            responseId = id;
        }
        if (chunk.getValue("usage") instanceof JsonObject u) {
            usage = usage(u);
        }
        if (chunk.getValue("choices") instanceof JsonArray choices) {
            for (Object c : choices) {
                // We ask for one choice; a server that sends more still gets only the first read.
                if (c instanceof JsonObject choice && number(choice.getValue("index"), 0) == 0) {
                    choice(choice);
                }
            }
        }
        if (finishReason != null && usage != null) {
            complete();
        }
    }

    /**
     * The server closed the stream: complete if a finish_reason was seen (a server that never sends
     * [DONE]); otherwise the response stays incomplete and the stream counts as dropped.
     */
    public void endOfStream() {
        if (!done && finishReason != null) {
            complete();
        }
    }

    @Override
    public boolean completed() {
        return done;
    }

    @Override
    public ModelResponse response() {
        if (!done) {
            throw new IllegalStateException("the chat stream has not completed");
        }
        return new ModelResponse(responseId, items, usage);
    }

    /** The finish_reason the server gave, or null if none yet. */
    public String finishReason() {
        return finishReason;
    }

    private void choice(JsonObject choice) {
        if (choice.getValue("delta") instanceof JsonObject delta) {
            String content = string(delta.getValue("content"));
            if (content == null) {
                content = string(delta.getValue("refusal")); // a refusal is the answer the user should see
            }
            if (content != null && !content.isEmpty()) {
                text.append(content);
                events.accept(new ModelEvent.TextDelta(content));
            }
            // Not in the OpenAI API, but several compatible servers stream thinking under these names.
            String reasoning = string(delta.getValue("reasoning_content"));
            if (reasoning == null) {
                reasoning = string(delta.getValue("reasoning"));
            }
            if (reasoning != null && !reasoning.isEmpty()) {
                events.accept(new ModelEvent.ReasoningDelta(reasoning));
            }
            if (delta.getValue("tool_calls") instanceof JsonArray calls) {
                for (Object o : calls) {
                    if (o instanceof JsonObject call) {
                        toolCallFragment(call);
                    }
                }
            }
        }
        if (choice.getValue("finish_reason") instanceof String reason && !reason.isEmpty()) {
            finish(reason);
        }
    }

    private void toolCallFragment(JsonObject call) {
        String id = string(call.getValue("id"));
        int index;
        if (call.getValue("index") instanceof Number n) {
            index = n.intValue();
        } else {
            // No index (some compatible servers): a new id starts a new call, otherwise it continues the last.
            index = toolCalls.isEmpty() ? 0 : toolCalls.lastKey();
            if (id != null && !id.isEmpty() && toolCalls.containsKey(index) && toolCalls.get(index).id != null
                    && !id.equals(toolCalls.get(index).id)) {
                index++;
            }
        }
        ToolCallBuilder b = toolCalls.computeIfAbsent(index, i -> new ToolCallBuilder());
        if (id != null && !id.isEmpty() && b.id == null) {
            b.id = id;
        }
        if (call.getValue("function") instanceof JsonObject function) {
            String name = string(function.getValue("name"));
            if (name != null && !name.isEmpty()) {
                // Normally the name comes whole in the first fragment; append in case a server splits it.
                b.name = b.name == null ? name : b.name.equals(name) ? name : b.name + name;
            }
            String arguments = string(function.getValue("arguments"));
            if (arguments != null) {
                b.arguments.append(arguments);
            }
        }
    }

    private void finish(String reason) {
        finishReason = reason;
        switch (reason) {
            case "length" -> {
                if (!toolCalls.isEmpty()) {
                    throw ModelException.fatal("the model hit its output token limit while writing a tool call, so "
                            + "the call's arguments are cut off; raise the model's output limit or ask for a smaller step");
                }
            }
            case "content_filter" -> {
                if (text.isEmpty() && toolCalls.isEmpty()) {
                    throw ModelException.fatal("the provider's content filter stopped the response before it said anything");
                }
            }
            default -> { } // "stop", "tool_calls", "function_call" and anything new: take what was streamed
        }
    }

    private void complete() {
        done = true;
        items = buildItems();
        for (JsonObject item : items) {
            events.accept(new ModelEvent.ItemDone(item));
        }
        events.accept(new ModelEvent.Completed(responseId, usage));
    }

    private List<JsonObject> buildItems() {
        List<JsonObject> out = new ArrayList<>();
        if (!text.isEmpty()) {
            out.add(new JsonObject().put("type", "message").put("role", "assistant")
                    .put("content", new JsonArray().add(new JsonObject().put("type", "output_text").put("text", text.toString()))));
        }
        for (ToolCallBuilder b : toolCalls.values()) {
            String arguments = b.arguments.isEmpty() ? "{}" : b.arguments.toString();
            out.add(new JsonObject().put("type", "function_call")
                    .put("call_id", b.id != null ? b.id : "call_" + UUID.randomUUID().toString().replace("-", ""))
                    .put("name", b.name == null ? "" : b.name)
                    .put("arguments", arguments));
        }
        return List.copyOf(out);
    }

    static ModelEvent.Usage usage(JsonObject u) {
        long input = number(u.getValue("prompt_tokens"), 0);
        long output = number(u.getValue("completion_tokens"), 0);
        long cached = u.getValue("prompt_tokens_details") instanceof JsonObject d ? number(d.getValue("cached_tokens"), 0) : 0;
        long reasoning = u.getValue("completion_tokens_details") instanceof JsonObject d
                ? number(d.getValue("reasoning_tokens"), 0) : 0;
        return new ModelEvent.Usage(input, cached, output, reasoning, number(u.getValue("total_tokens"), input + output));
    }

    private static ModelException failure(Object error) {
        if (error instanceof JsonObject e) {
            Object code = e.getValue("code") != null ? e.getValue("code") : e.getValue("type");
            String codeText = code == null ? "" : code.toString();
            String message = e.getValue("message") != null ? e.getValue("message").toString() : e.encode();
            boolean retryable = codeText.contains("rate_limit") || codeText.equals("server_error")
                    || codeText.contains("overloaded") || codeText.equals("429") || codeText.matches("5\\d\\d");
            return new ModelException("model error" + (codeText.isEmpty() ? "" : " (" + codeText + ")") + ": " + message,
                    0, retryable, -1);
        }
        return ModelException.fatal("model error: " + error);
    }

    private static String string(Object o) {
        return o instanceof String s ? s : null;
    }

    private static long number(Object o, long fallback) {
        return o instanceof Number n ? n.longValue() : fallback;
    }
}

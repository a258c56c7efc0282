package codex.agent.model;

import codex.protocol.ProviderSpec;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/** The OpenAI Responses API: POST {base_url}/responses with stream=true. */
public final class ResponsesClient extends SseModelClient {

    public ResponsesClient(Vertx vertx, HttpClient http, ProviderSpec provider, Map<String, String> env, RetryPolicy retry) {
        super(vertx, http, provider, env, retry);
    }

    @Override
    protected String path() {
        return "/responses";
    }

    @Override
    protected JsonObject requestBody(ModelRequest r) {
        JsonObject body = new JsonObject()
                .put("model", r.model())
                .put("instructions", r.instructions())
                .put("input", new JsonArray(new ArrayList<>(r.input())))
                .put("tools", r.tools())
                .put("tool_choice", "auto")
                .put("parallel_tool_calls", false)
                .put("store", r.store())
                .put("stream", true);
        if (r.reasoning() != null) {
            body.put("reasoning", r.reasoning());
        }
        if (r.include() != null && !r.include().isEmpty()) {
            body.put("include", new JsonArray(new ArrayList<>(r.include())));
        }
        if (r.previousResponseId() != null) {
            body.put("previous_response_id", r.previousResponseId());
        }
        return body;
    }

    @Override
    protected StreamDecoder newDecoder(Consumer<ModelEvent> events) {
        return new StreamDecoder() {
            private final List<JsonObject> items = new ArrayList<>();
            private ModelEvent.Completed completed;

            @Override
            public void accept(SseParser.SseEvent sse) {
                ModelEvent e = ResponsesEventMapper.map(sse);
                if (e == null) {
                    return;
                }
                if (e instanceof ModelEvent.ItemDone done) {
                    items.add(done.item());
                } else if (e instanceof ModelEvent.Completed c) {
                    completed = c;
                }
                events.accept(e);
            }

            @Override
            public boolean completed() {
                return completed != null;
            }

            @Override
            public ModelResponse response() {
                return new ModelResponse(completed.responseId(), List.copyOf(items), completed.usage());
            }
        };
    }
}

package codex.agent.model;

import codex.protocol.ProviderSpec;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The Chat Completions API (wire_api = "chat"): POST {base_url}/chat/completions with stream=true,
 * for OpenAI-compatible servers that lack the Responses API. The agent's history stays in
 * Responses form; {@link ChatMessages} maps it out and {@link ChatStreamDecoder} maps the answer back.
 */
public final class ChatCompletionsClient extends SseModelClient {

    public ChatCompletionsClient(Vertx vertx, HttpClient http, ProviderSpec provider, Map<String, String> env,
                                 RetryPolicy retry) {
        super(vertx, http, provider, env, retry);
    }

    @Override
    protected String path() {
        return "/chat/completions";
    }

    @Override
    protected JsonObject requestBody(ModelRequest request) {
        return ChatMessages.requestBody(request);
    }

    @Override
    protected StreamDecoder newDecoder(Consumer<ModelEvent> events) {
        return new ChatStreamDecoder(events);
    }
}

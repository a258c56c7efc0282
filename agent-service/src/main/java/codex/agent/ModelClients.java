package codex.agent;

import codex.agent.model.ChatCompletionsClient;
import codex.agent.model.ModelClient;
import codex.agent.model.ResponsesClient;
import codex.agent.model.RetryPolicy;
import codex.protocol.ProviderSpec;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import java.util.Map;

/** Picks the client for a provider's wire API. */
public final class ModelClients {
    static final long BASE_RETRY_DELAY_MS = 200;
    static final long MAX_RETRY_DELAY_MS = 10_000;

    private ModelClients() {
    }

    public static ModelClient forProvider(Vertx vertx, HttpClient http, ProviderSpec provider, Map<String, String> env) {
        RetryPolicy retry = new RetryPolicy(provider.requestMaxRetries(), provider.streamMaxRetries(),
                BASE_RETRY_DELAY_MS, MAX_RETRY_DELAY_MS);
        // an unknown wire_api is refused when the session config is decoded, naming the valid ones
        return switch (provider.wireApi()) {
            case RESPONSES -> new ResponsesClient(vertx, http, provider, env, retry);
            case CHAT -> new ChatCompletionsClient(vertx, http, provider, env, retry);
        };
    }
}

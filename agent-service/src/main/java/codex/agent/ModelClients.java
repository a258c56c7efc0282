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
        String wire = provider.wireApi() == null ? "responses" : provider.wireApi();
        return switch (wire) {
            case "responses" -> new ResponsesClient(vertx, http, provider, env, retry);
            case "chat" -> new ChatCompletionsClient(vertx, http, provider, env, retry);
            default -> throw new IllegalArgumentException("provider '" + provider.id() + "' uses wire_api = \"" + wire
                    + "\", which this build does not support yet; use wire_api = \"responses\" or \"chat\"");
        };
    }
}

package codex.protocol;

import java.util.Map;

/**
 * A model provider as the agent needs it, resolved from config. The API key itself never
 * crosses the bus: the agent reads {@code env_key} from its own environment.
 *
 * @param wireApi "responses" or "chat"
 */
public record ProviderSpec(
        String id,
        String name,
        String baseUrl,
        String envKey,
        String envKeyInstructions,
        String wireApi,
        Map<String, String> queryParams,
        Map<String, String> httpHeaders,
        Map<String, String> envHttpHeaders,
        int requestMaxRetries,
        int streamMaxRetries,
        long streamIdleTimeoutMs) {

    public ProviderSpec {
        queryParams = queryParams == null ? Map.of() : Map.copyOf(queryParams);
        httpHeaders = httpHeaders == null ? Map.of() : Map.copyOf(httpHeaders);
        envHttpHeaders = envHttpHeaders == null ? Map.of() : Map.copyOf(envHttpHeaders);
    }
}

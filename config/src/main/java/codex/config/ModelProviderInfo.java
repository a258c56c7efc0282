package codex.config;

import codex.protocol.ProviderSpec;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One resolved model provider: a built-in, a {@code [model_providers.NAME]} table, or both merged.
 * The fields mirror {@code codex.protocol.ProviderSpec} one for one.
 *
 * @param baseUrl      never null for the selected provider; may be null for an unselected one
 *                     whose table has no {@code base_url} (e.g. the built-in {@code azure})
 * @param envKey       environment variable holding the API key; null when none is needed
 * @param envHttpHeaders header name → environment variable whose value is sent (if set)
 */
public record ModelProviderInfo(
        String id,
        String name,
        String baseUrl,
        String envKey,
        String envKeyInstructions,
        WireApi wireApi,
        Map<String, String> queryParams,
        Map<String, String> httpHeaders,
        Map<String, String> envHttpHeaders,
        int requestMaxRetries,
        int streamMaxRetries,
        long streamIdleTimeoutMs) {

    public static final int DEFAULT_REQUEST_MAX_RETRIES = 4;
    public static final int DEFAULT_STREAM_MAX_RETRIES = 5;
    public static final long DEFAULT_STREAM_IDLE_TIMEOUT_MS = 300_000L;
    /** Like Codex, larger retry counts are accepted but capped here. */
    public static final int MAX_RETRIES_CAP = 100;

    public ModelProviderInfo {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(wireApi, "wireApi");
        if (name == null) {
            name = id;
        }
        // Insertion order kept so headers and query strings come out as the user wrote them.
        queryParams = immutableCopy(queryParams);
        httpHeaders = immutableCopy(httpHeaders);
        envHttpHeaders = immutableCopy(envHttpHeaders);
    }

    private static Map<String, String> immutableCopy(Map<String, String> map) {
        return map == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(map));
    }

    /** This provider as the session contract carries it to the agent (which resolves keys and URLs). */
    public ProviderSpec toSpec() {
        return new ProviderSpec(id, name, baseUrl, envKey, envKeyInstructions, wireApi.wireName(), queryParams,
                httpHeaders, envHttpHeaders, requestMaxRetries, streamMaxRetries, streamIdleTimeoutMs);
    }

    /** True when the provider names an environment variable for its API key. */
    public boolean requiresApiKey() {
        return toSpec().requiresApiKey();
    }

    /** See {@link ProviderSpec#apiKey}. */
    public Optional<String> apiKey(Map<String, String> env) {
        return toSpec().apiKey(env);
    }

    /** See {@link ProviderSpec#missingKeyMessage}. */
    public String missingKeyMessage() {
        return toSpec().missingKeyMessage();
    }

    /** See {@link ProviderSpec#resolvedHeaders}. */
    public Map<String, String> resolvedHeaders(Map<String, String> env) {
        return toSpec().resolvedHeaders(env);
    }

    /** The full request URL: base_url, the wire API's path and the URL-encoded query_params. */
    public String requestUrl() {
        if (baseUrl == null) {
            throw new ConfigException("model provider '" + id + "' has no base_url");
        }
        return toSpec().url(wireApi.path);
    }
}

package codex.protocol;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * One model provider: what config resolves (a built-in, a {@code [model_providers.NAME]} table, or
 * both merged) and what the session contract carries to the agent, the same record. The API key
 * itself never crosses the bus: the agent reads {@code env_key} from its own environment.
 *
 * @param id             required
 * @param name           shown to the user; null means the id
 * @param baseUrl        never null for the selected provider; may be null for an unselected one
 *                       whose table has no {@code base_url} (e.g. the built-in {@code azure})
 * @param envKey         environment variable holding the API key; null when none is needed
 * @param wireApi        which HTTP API it speaks; null means {@link WireApi#RESPONSES}
 * @param envHttpHeaders header name → environment variable whose value is sent (if set)
 */
public record ProviderSpec(
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

    public ProviderSpec {
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException("a model provider needs an id");
        }
        name = name == null ? id : name;
        wireApi = wireApi == null ? WireApi.RESPONSES : wireApi;
        // insertion order kept: query parameters and headers go out in the order the config gives them
        queryParams = ordered(queryParams);
        httpHeaders = ordered(httpHeaders);
        envHttpHeaders = ordered(envHttpHeaders);
    }

    /** True when the provider names an environment variable for its API key. */
    public boolean requiresApiKey() {
        return envKey != null && !envKey.isBlank();
    }

    /** The API key from {@code env[envKey]}, trimmed; empty if none is needed or it is unset/blank. */
    public Optional<String> apiKey(Map<String, String> env) {
        if (!requiresApiKey()) {
            return Optional.empty();
        }
        String value = env.get(envKey);
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
    }

    /** What to tell the user when {@link #apiKey} is empty but a key is required. */
    public String missingKeyMessage() {
        if (!requiresApiKey()) {
            return "provider '" + id + "' needs no API key";
        }
        String message = envKey + " is not set: export it, or pick another provider with -c model_provider=...";
        if (envKeyInstructions != null && !envKeyInstructions.isBlank()) {
            message += "\n" + envKeyInstructions.strip();
        }
        return message;
    }

    /**
     * Static {@code http_headers} plus every {@code env_http_headers} entry whose variable is set
     * and non-blank (the environment one wins when both name the same header).
     */
    public Map<String, String> resolvedHeaders(Map<String, String> env) {
        Map<String, String> headers = new LinkedHashMap<>(httpHeaders);
        envHttpHeaders.forEach((header, variable) -> {
            String value = env.get(variable);
            if (value != null && !value.isBlank()) {
                headers.put(header, value.trim());
            }
        });
        return Collections.unmodifiableMap(headers);
    }

    /** The full request URL: base_url, the wire API's path and the URL-encoded query_params. */
    public String requestUrl() {
        if (baseUrl == null) {
            throw new IllegalStateException("model provider '" + id + "' has no base_url");
        }
        return url(wireApi.path);
    }

    /** base_url without a trailing slash, then {@code path}, then the URL-encoded query_params. */
    public String url(String path) {
        String base = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        if (queryParams.isEmpty()) {
            return base + path;
        }
        return base + path + "?" + queryParams.entrySet().stream()
                .map(e -> encode(e.getKey()) + "=" + encode(e.getValue()))
                .collect(Collectors.joining("&"));
    }

    private static Map<String, String> ordered(Map<String, String> map) {
        return map == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(map));
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}

package codex.config;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

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
        return java.util.Collections.unmodifiableMap(headers);
    }

    /**
     * The full request URL: base_url without trailing slash, the wire API's path
     * ({@code /responses} or {@code /chat/completions}) and the URL-encoded query_params.
     */
    public String requestUrl() {
        if (baseUrl == null) {
            throw new ConfigException("model provider '" + id + "' has no base_url");
        }
        String base = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        String url = base + wireApi.path;
        if (queryParams.isEmpty()) {
            return url;
        }
        return url + "?" + queryParams.entrySet().stream()
                .map(e -> encode(e.getKey()) + "=" + encode(e.getValue()))
                .collect(Collectors.joining("&"));
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}

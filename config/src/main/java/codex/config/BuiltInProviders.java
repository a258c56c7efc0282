package codex.config;

import codex.protocol.WireApi;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The providers known without any config. They are kept as TOML-shaped tables so that a user's
 * {@code [model_providers.NAME]} table of the same name can be merged over them key by key.
 */
public final class BuiltInProviders {
    public static final String OPENAI = "openai";
    public static final String DEFAULT_OPENAI_BASE_URL = "https://api.openai.com/v1";
    /** Environment variable that replaces the built-in openai base URL (e.g. for a proxy). */
    public static final String OPENAI_BASE_URL_ENV = "OPENAI_BASE_URL";

    /** Defaults for every provider's retry and idle settings, as in Codex. */
    public static final int DEFAULT_REQUEST_MAX_RETRIES = 4;
    public static final int DEFAULT_STREAM_MAX_RETRIES = 5;
    public static final long DEFAULT_STREAM_IDLE_TIMEOUT_MS = 300_000L;
    /** Like Codex, larger retry counts are accepted but capped here. */
    public static final int MAX_RETRIES_CAP = 100;

    /** Ids in the order they are listed to the user. */
    public static final List<String> IDS =
            List.of("openai", "ollama", "lmstudio", "openrouter", "azure", "mistral", "gemini");

    private BuiltInProviders() {
    }

    static Map<String, ObjectNode> tables(Map<String, String> env) {
        Map<String, ObjectNode> out = new LinkedHashMap<>();

        String openAiUrl = env.get(OPENAI_BASE_URL_ENV);
        ObjectNode openai = table("OpenAI",
                openAiUrl == null || openAiUrl.isBlank() ? DEFAULT_OPENAI_BASE_URL : openAiUrl.trim(),
                "OPENAI_API_KEY", WireApi.RESPONSES);
        openai.put("env_key_instructions",
                "Create an API key at https://platform.openai.com/api-keys and export it as OPENAI_API_KEY.");
        ObjectNode openAiEnvHeaders = openai.putObject("env_http_headers");
        openAiEnvHeaders.put("OpenAI-Organization", "OPENAI_ORGANIZATION");
        openAiEnvHeaders.put("OpenAI-Project", "OPENAI_PROJECT");
        out.put("openai", openai);

        out.put("ollama", table("Ollama", "http://localhost:11434/v1", null, WireApi.CHAT));
        out.put("lmstudio", table("LM Studio", "http://localhost:1234/v1", null, WireApi.CHAT));
        out.put("openrouter", table("OpenRouter", "https://openrouter.ai/api/v1", "OPENROUTER_API_KEY", WireApi.CHAT));
        // Azure URLs are per resource, so there is no usable default: the user must give base_url.
        out.put("azure", table("Azure OpenAI", null, "AZURE_OPENAI_API_KEY", WireApi.RESPONSES));
        out.put("mistral", table("Mistral", "https://api.mistral.ai/v1", "MISTRAL_API_KEY", WireApi.CHAT));
        out.put("gemini", table("Gemini", "https://generativelanguage.googleapis.com/v1beta/openai",
                "GEMINI_API_KEY", WireApi.CHAT));
        return out;
    }

    private static ObjectNode table(String name, String baseUrl, String envKey, WireApi wireApi) {
        ObjectNode t = JsonNodeFactory.instance.objectNode();
        t.put("name", name);
        if (baseUrl != null) {
            t.put("base_url", baseUrl);
        }
        if (envKey != null) {
            t.put("env_key", envKey);
        }
        t.put("wire_api", wireApi.wireName());
        return t;
    }
}

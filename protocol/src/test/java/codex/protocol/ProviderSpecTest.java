package codex.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ProviderSpecTest {

    private static ProviderSpec provider(String baseUrl, String envKey, String instructions,
                                         Map<String, String> query, Map<String, String> headers,
                                         Map<String, String> envHeaders, WireApi wire) {
        return new ProviderSpec("p", null, baseUrl, envKey, instructions, wire, query, headers, envHeaders,
                4, 5, 300_000L);
    }

    @Test
    void apiKeyComesFromTheNamedVariableAndBlankCountsAsMissing() {
        ProviderSpec p = provider("https://x/v1", "OPENAI_API_KEY", null, null, null, null, WireApi.RESPONSES);
        assertEquals(Optional.of("sk-123"), p.apiKey(Map.of("OPENAI_API_KEY", " sk-123\n")));
        assertEquals(Optional.empty(), p.apiKey(Map.of("OPENAI_API_KEY", "   ")));
        assertEquals(Optional.empty(), p.apiKey(Map.of("OTHER", "sk")));
        assertEquals("p", p.name(), "name defaults to the id");

        ProviderSpec keyless = provider("http://localhost:1/v1", null, null, null, null, null, WireApi.CHAT);
        assertEquals(Optional.empty(), keyless.apiKey(Map.of("OPENAI_API_KEY", "sk")));
    }

    @Test
    void missingKeyMessageTellsTheUserWhatToDo() {
        ProviderSpec p = provider("https://x/v1", "OPENAI_API_KEY", "Get one at https://example.com.",
                null, null, null, WireApi.RESPONSES);
        assertEquals("OPENAI_API_KEY is not set: export it, or pick another provider with -c model_provider=..."
                + "\nGet one at https://example.com.", p.missingKeyMessage());
        ProviderSpec plain = provider("https://x/v1", "MISTRAL_API_KEY", null, null, null, null, WireApi.CHAT);
        assertEquals("MISTRAL_API_KEY is not set: export it, or pick another provider with -c model_provider=...",
                plain.missingKeyMessage());
    }

    @Test
    void resolvedHeadersAddOnlySetEnvironmentHeaders() {
        Map<String, String> envHeaders = new LinkedHashMap<>();
        envHeaders.put("OpenAI-Organization", "OPENAI_ORGANIZATION");
        envHeaders.put("OpenAI-Project", "OPENAI_PROJECT");
        envHeaders.put("X-Team", "TEAM");
        ProviderSpec p = provider("https://x/v1", null, null, null, Map.of("X-Team", "static"), envHeaders,
                WireApi.RESPONSES);
        Map<String, String> headers = p.resolvedHeaders(Map.of("OPENAI_ORGANIZATION", "org-1", "OPENAI_PROJECT", " ",
                "TEAM", "from-env"));
        assertEquals(Map.of("OpenAI-Organization", "org-1", "X-Team", "from-env"), headers);
    }

    @Test
    void requestUrlJoinsBasePathAndEncodedQuery() {
        Map<String, String> query = new LinkedHashMap<>();
        query.put("api-version", "2025-04-01-preview");
        query.put("note", "a b&c");
        assertEquals("https://r.openai.azure.com/openai/responses?api-version=2025-04-01-preview&note=a+b%26c",
                provider("https://r.openai.azure.com/openai/", null, null, query, null, null, WireApi.RESPONSES)
                        .requestUrl());
        assertEquals("http://localhost:11434/v1/chat/completions",
                provider("http://localhost:11434/v1", null, null, null, null, null, WireApi.CHAT).requestUrl());
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> provider(null, null, null, null, null, null, WireApi.CHAT).requestUrl());
        assertTrue(e.getMessage().contains("base_url"));
    }
}

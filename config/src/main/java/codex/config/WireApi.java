package codex.config;

/** Which HTTP API a provider speaks. */
public enum WireApi {
    /** OpenAI Responses API ({@code POST /responses}). */
    RESPONSES("responses", "/responses"),
    /** Chat Completions API ({@code POST /chat/completions}), spoken by most other providers. */
    CHAT("chat", "/chat/completions");

    public final String wireName;
    /** Path appended to the provider's base_url. */
    public final String path;

    WireApi(String wireName, String path) {
        this.wireName = wireName;
        this.path = path;
    }

    public static final String VALID_NAMES = "responses, chat";

    public static WireApi parse(String text) {
        for (WireApi w : values()) {
            if (w.wireName.equals(text)) {
                return w;
            }
        }
        throw new IllegalArgumentException("unknown wire_api '" + text + "'; valid values are: " + VALID_NAMES);
    }

    @Override
    public String toString() {
        return wireName;
    }
}

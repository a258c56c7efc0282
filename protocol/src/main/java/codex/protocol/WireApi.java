package codex.protocol;

/** Which HTTP API a provider speaks. */
public enum WireApi implements WireName {
    /** OpenAI Responses API ({@code POST /responses}). */
    RESPONSES("/responses"),
    /** Chat Completions API ({@code POST /chat/completions}), spoken by most other providers. */
    CHAT("/chat/completions");

    /** Path appended to the provider's base_url. */
    public final String path;

    WireApi(String path) {
        this.path = path;
    }

    public static final String VALID_NAMES = WireName.validNames(WireApi.class);

    public static WireApi parse(String text) { return WireName.parse(WireApi.class, text, "wire_api", "values"); }

    @Override public String toString() { return wireName(); }
}

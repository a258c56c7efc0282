package codex.config;

/** {@code model_reasoning_summary}: what kind of reasoning summary to ask the model for. */
public enum ReasoningSummary {
    AUTO("auto"), CONCISE("concise"), DETAILED("detailed"), NONE("none");

    public final String wireName;

    ReasoningSummary(String wireName) {
        this.wireName = wireName;
    }

    public static final String VALID_NAMES = "auto, concise, detailed, none";

    public static ReasoningSummary parse(String text) {
        for (ReasoningSummary s : values()) {
            if (s.wireName.equals(text)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown reasoning summary '" + text + "'; valid values are: " + VALID_NAMES);
    }

    @Override
    public String toString() {
        return wireName;
    }
}

package codex.config;

/** {@code model_reasoning_effort}: how hard a reasoning model should think. */
public enum ReasoningEffort {
    MINIMAL("minimal"), LOW("low"), MEDIUM("medium"), HIGH("high");

    public final String wireName;

    ReasoningEffort(String wireName) {
        this.wireName = wireName;
    }

    public static final String VALID_NAMES = "minimal, low, medium, high";

    public static ReasoningEffort parse(String text) {
        for (ReasoningEffort e : values()) {
            if (e.wireName.equals(text)) {
                return e;
            }
        }
        throw new IllegalArgumentException("unknown reasoning effort '" + text + "'; valid values are: " + VALID_NAMES);
    }

    @Override
    public String toString() {
        return wireName;
    }
}

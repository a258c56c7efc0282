package codex.protocol;

/** {@code model_reasoning_effort}: how hard a reasoning model should think. */
public enum ReasoningEffort implements WireName {
    MINIMAL, LOW, MEDIUM, HIGH;

    public static final String VALID_NAMES = WireName.validNames(ReasoningEffort.class);

    @com.fasterxml.jackson.annotation.JsonCreator
    public static ReasoningEffort parse(String text) { return WireName.parse(ReasoningEffort.class, text, "reasoning effort", "values"); }

    @Override public String toString() { return wireName(); }
}

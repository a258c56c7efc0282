package codex.protocol;

/** {@code model_reasoning_summary}: what kind of reasoning summary to ask the model for. */
public enum ReasoningSummary implements WireName {
    AUTO, CONCISE, DETAILED, NONE;

    public static final String VALID_NAMES = WireName.validNames(ReasoningSummary.class);

    @com.fasterxml.jackson.annotation.JsonCreator
    public static ReasoningSummary parse(String text) { return WireName.parse(ReasoningSummary.class, text, "reasoning summary", "values"); }

    @Override public String toString() { return wireName(); }
}

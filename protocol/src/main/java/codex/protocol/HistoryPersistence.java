package codex.protocol;

/** {@code [history] persistence}: whether prompts are appended to $CODEX_HOME/history.jsonl. */
public enum HistoryPersistence implements WireName {
    SAVE_ALL, NONE;

    public static final String VALID_NAMES = WireName.validNames(HistoryPersistence.class);

    @com.fasterxml.jackson.annotation.JsonCreator
    public static HistoryPersistence parse(String text) { return WireName.parse(HistoryPersistence.class, text, "history persistence", "values"); }

    @Override public String toString() { return wireName(); }
}

package codex.config;

/** {@code [history] persistence}: whether prompts are appended to $CODEX_HOME/history.jsonl. */
public enum HistoryPersistence {
    SAVE_ALL("save-all"), NONE("none");

    public final String wireName;

    HistoryPersistence(String wireName) {
        this.wireName = wireName;
    }

    public static final String VALID_NAMES = "save-all, none";

    public static HistoryPersistence parse(String text) {
        for (HistoryPersistence h : values()) {
            if (h.wireName.equals(text)) {
                return h;
            }
        }
        throw new IllegalArgumentException("unknown history persistence '" + text + "'; valid values are: " + VALID_NAMES);
    }

    @Override
    public String toString() {
        return wireName;
    }
}

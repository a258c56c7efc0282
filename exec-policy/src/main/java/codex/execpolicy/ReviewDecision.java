package codex.execpolicy;

/** The answers a user can give when asked to approve a command or a patch. */
public enum ReviewDecision {
    /** Go ahead, this once. */
    APPROVED("approved"),
    /** Go ahead, and do not ask again this session for the same command or for patches under the same roots. */
    APPROVED_FOR_SESSION("approved_for_session"),
    /** Do not do it; the model is told it was denied and the turn goes on. */
    DENIED("denied"),
    /** Do not do it, and end the turn. */
    ABORT("abort");

    public static final String VALID_NAMES = "approved, approved_for_session, denied, abort";

    public final String wireName;

    ReviewDecision(String wireName) {
        this.wireName = wireName;
    }

    /** Whether the action may go ahead. */
    public boolean isApproval() {
        return this == APPROVED || this == APPROVED_FOR_SESSION;
    }

    public static ReviewDecision parse(String text) {
        String s = text == null ? "" : text.trim();
        for (ReviewDecision d : values()) {
            if (d.wireName.equals(s)) {
                return d;
            }
        }
        throw new IllegalArgumentException("unknown review decision '" + s + "'; valid decisions are: " + VALID_NAMES);
    }

    @Override
    public String toString() {
        return wireName;
    }
}

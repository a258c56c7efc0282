package codex.execpolicy;

import codex.protocol.WireName;

/** The answers a user can give when asked to approve a command or a patch. */
public enum ReviewDecision implements WireName {
    /** Go ahead, this once. */
    APPROVED("approved"),
    /** Go ahead, and do not ask again this session for the same command or for patches under the same roots. */
    APPROVED_FOR_SESSION("approved_for_session"),
    /** Do not do it; the model is told it was denied and the turn goes on. */
    DENIED("denied"),
    /** Do not do it, and end the turn. */
    ABORT("abort");

    public static final String VALID_NAMES = WireName.validNames(ReviewDecision.class);

    public final String wireName;

    ReviewDecision(String wireName) {
        this.wireName = wireName;
    }

    /** Whether the action may go ahead. */
    public boolean isApproval() {
        return this == APPROVED || this == APPROVED_FOR_SESSION;
    }

    public static ReviewDecision parse(String text) {
        return WireName.parse(ReviewDecision.class, text, "review decision", "decisions");
    }

    @Override
    public String wireName() {
        return wireName;
    }

    @Override
    public String toString() {
        return wireName;
    }
}

package codex.execpolicy;

import codex.protocol.WireName;

/** The answers a user can give when asked to approve a command or a patch. */
public enum ReviewDecision implements WireName {
    /** Go ahead, this once. */
    APPROVED,
    /** Go ahead, and do not ask again this session for the same command or for patches under the same roots. */
    APPROVED_FOR_SESSION,
    /** Do not do it; the model is told it was denied and the turn goes on. */
    DENIED,
    /** Do not do it, and end the turn. */
    ABORT;

    /** Whether the action may go ahead. */
    public boolean isApproval() {
        return this == APPROVED || this == APPROVED_FOR_SESSION;
    }

    public static final String VALID_NAMES = WireName.validNames(ReviewDecision.class);

    public static ReviewDecision parse(String text) { return WireName.parse(ReviewDecision.class, text, "review decision", "decisions"); }

    @Override public char wordSeparator() { return '_'; }

    @Override public String toString() { return wireName(); }
}

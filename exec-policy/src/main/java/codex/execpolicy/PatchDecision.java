package codex.execpolicy;

/** What to do with a patch the model asked to apply. */
public enum PatchDecision {
    /** Apply it without asking. */
    APPLY,
    /** Ask the user first (see {@link ReviewDecision} for the answers). */
    ASK_USER,
    /** Do not apply it and do not ask; tell the model the patch was refused and why. */
    REJECT
}

package codex.execpolicy;

/** What to do with a command the model asked to run, before running it. */
public enum CommandDecision {
    /** Run it in the sandbox without asking anyone. */
    RUN_SANDBOXED,
    /** Ask the user first (see {@link ReviewDecision} for the answers). */
    ASK_USER
}

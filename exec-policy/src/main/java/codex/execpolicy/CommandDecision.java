package codex.execpolicy;

/** What to do with a command the model asked to run, before running it. */
public enum CommandDecision {
    /** Run it in the sandbox without asking anyone. */
    RUN_SANDBOXED,
    /** Run it without the sandbox, without asking: the user approved this exact command for the session. */
    RUN_UNSANDBOXED,
    /** Ask the user first (see {@link ReviewDecision} for the answers); if approved it runs without the sandbox. */
    ASK_USER
}

package codex.execpolicy;

/** What to do after a sandboxed command failed. */
public enum FailureDecision {
    /** Ask the user whether to run the same command again without the sandbox. */
    ASK_RETRY_WITHOUT_SANDBOX,
    /** Give the failure (exit code and output) back to the model as the command's result. */
    REPORT_TO_MODEL
}

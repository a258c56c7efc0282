package codex.protocol;

/**
 * The {@code approval_policy} values: when the agent must ask a human before acting. The seed's four,
 * plus today's Codex {@code on-request}; today's {@code untrusted} is read as {@code unless-allow-listed}.
 */
public enum ApprovalPolicy implements WireName {
    /** Known-safe commands run; every other command and every patch asks first. Codex: {@code untrusted}. */
    UNLESS_ALLOW_LISTED,
    /** Patches inside writable roots apply without asking; commands ask unless known-safe. */
    AUTO_EDIT,
    /** Commands run sandboxed; a sandbox denial asks whether to retry without the sandbox. */
    ON_FAILURE,
    /**
     * Commands run sandboxed; the shell tool lets the model ask for one command to run outside the sandbox
     * (with a justification), which the user approves or denies; failures go back to the model. Patches
     * inside writable roots apply, others ask.
     */
    ON_REQUEST,
    /** Never ask; what the sandbox refuses goes back to the model as a failure. */
    NEVER;

    /** Today's Codex name for {@link #UNLESS_ALLOW_LISTED}. */
    public static final String UNTRUSTED = "untrusted";

    public static final String VALID_NAMES = WireName.validNames(ApprovalPolicy.class) + ", " + UNTRUSTED
            + " (= unless-allow-listed)";

    @com.fasterxml.jackson.annotation.JsonCreator
    public static ApprovalPolicy parse(String text) {
        if (text != null && text.trim().equals(UNTRUSTED)) {
            return UNLESS_ALLOW_LISTED;
        }
        try {
            return WireName.parse(ApprovalPolicy.class, text, "approval policy", "policies");
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage() + ", " + UNTRUSTED + " (= unless-allow-listed)");
        }
    }

    @Override public String toString() { return wireName(); }
}

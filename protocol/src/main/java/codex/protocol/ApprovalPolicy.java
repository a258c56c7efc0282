package codex.protocol;

/** The seed's {@code approval_policy} values: when the agent must ask a human before acting. */
public enum ApprovalPolicy implements WireName {
    /** Known-safe commands run; every other command and every patch asks first. */
    UNLESS_ALLOW_LISTED,
    /** Patches inside writable roots apply without asking; commands ask unless known-safe. */
    AUTO_EDIT,
    /** Commands run sandboxed; a sandbox denial asks whether to retry without the sandbox. */
    ON_FAILURE,
    /** Never ask; what the sandbox refuses goes back to the model as a failure. */
    NEVER;

    public static final String VALID_NAMES = WireName.validNames(ApprovalPolicy.class);

    @com.fasterxml.jackson.annotation.JsonCreator
    public static ApprovalPolicy parse(String text) { return WireName.parse(ApprovalPolicy.class, text, "approval policy", "policies"); }

    @Override public String toString() { return wireName(); }
}

package codex.protocol;

/** The seed's {@code approval_policy} values: when the agent must ask a human before acting. */
public enum ApprovalPolicy {
    /** Known-safe commands run; every other command and every patch asks first. */
    UNLESS_ALLOW_LISTED("unless-allow-listed"),
    /** Patches inside writable roots apply without asking; commands ask unless known-safe. */
    AUTO_EDIT("auto-edit"),
    /** Commands run sandboxed; a sandbox denial asks whether to retry without the sandbox. */
    ON_FAILURE("on-failure"),
    /** Never ask; what the sandbox refuses goes back to the model as a failure. */
    NEVER("never");

    public final String wireName;

    ApprovalPolicy(String wireName) {
        this.wireName = wireName;
    }

    public static final String VALID_NAMES = "unless-allow-listed, auto-edit, on-failure, never";

    public static ApprovalPolicy parse(String text) {
        String s = text == null ? "" : text.trim();
        for (ApprovalPolicy p : values()) {
            if (p.wireName.equals(s)) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown approval policy '" + s + "'; valid policies are: " + VALID_NAMES);
    }

    @Override
    public String toString() {
        return wireName;
    }
}

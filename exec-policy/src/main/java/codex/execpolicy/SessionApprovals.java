package codex.execpolicy;

import codex.protocol.ApprovalPolicy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The one approval authority of a session: what to do with each command and patch (with the reason
 * to show the user when asking), and the answers the user gave "for the session". The agent only
 * carries out these decisions. Not thread-safe: one session, one thread (its event loop).
 */
public final class SessionApprovals {

    /** What to do with a command, and why (shown to the user when {@link CommandDecision#ASK_USER}). */
    public record Command(CommandDecision decision, String reason) { }

    /** What to do after a sandboxed run failed, and why (shown when asking to retry). */
    public record Failure(FailureDecision decision, String reason) { }

    /**
     * What to do with a patch, and why (shown when asking, told to the model when rejecting).
     *
     * @param restrictToWritableRoots when applying without asking: whether the sandbox must confine the
     *                                patch to the writable roots (false when a session approval allowed it)
     */
    public record Patch(PatchDecision decision, String reason, boolean restrictToWritableRoots) { }

    private ApprovalPolicy policy;
    private final Set<List<String>> approvedCommands = new HashSet<>();
    private final List<Path> approvedPatchRoots = new ArrayList<>();
    private final Set<String> approvedMcpTools = new HashSet<>();

    /** Whether to ask before calling an MCP tool, and why (shown when asking). */
    public record McpTool(boolean ask, String reason) { }

    public SessionApprovals(ApprovalPolicy policy) {
        this.policy = Objects.requireNonNull(policy, "approval policy");
    }

    public ApprovalPolicy policy() {
        return policy;
    }

    /**
     * Switches to {@code newPolicy}. A different policy forgets every "for the session" answer: they
     * were given under the old rules.
     *
     * @return whether approvals were forgotten
     */
    public boolean changePolicy(ApprovalPolicy newPolicy) {
        Objects.requireNonNull(newPolicy, "approval policy");
        if (newPolicy == policy) {
            return false;
        }
        policy = newPolicy;
        boolean had = !approvedCommands.isEmpty() || !approvedPatchRoots.isEmpty() || !approvedMcpTools.isEmpty();
        approvedCommands.clear();
        approvedPatchRoots.clear();
        approvedMcpTools.clear();
        return had;
    }

    public Command forCommand(List<String> argv) {
        return forCommand(argv, null);
    }

    /**
     * @param escalationJustification non-null when the model asked to run {@code argv} outside the sandbox
     *                                (on-request's escalation): why, in the model's words, shown to the user
     */
    public Command forCommand(List<String> argv, String escalationJustification) {
        boolean escalation = escalationJustification != null;
        CommandDecision decision = ApprovalRules.forCommand(policy, argv, approvedCommands.contains(argv), escalation);
        if (decision == CommandDecision.ASK_USER && escalation && policy == ApprovalPolicy.ON_REQUEST) {
            return new Command(decision, "the model asks to run this command outside the sandbox"
                    + (escalationJustification.isBlank() ? "" : ": " + escalationJustification.strip())
                    + "; if approved it runs without the sandbox");
        }
        String reason = switch (decision) {
            case RUN_UNSANDBOXED -> "approved for the session";
            case RUN_SANDBOXED -> SafeCommands.isKnownSafe(argv) ? "known-safe command"
                    : "approval policy " + policy.wireName() + " runs commands in the sandbox";
            case ASK_USER -> "approval policy " + policy.wireName()
                    + ": this command is not on the known-safe list; if approved it runs without the sandbox";
        };
        return new Command(decision, reason);
    }

    /** After a sandboxed run of {@code argv} failed; {@code looksLikeSandboxDenial} as the sandbox reported it. */
    public Failure afterSandboxFailure(boolean looksLikeSandboxDenial) {
        FailureDecision decision = ApprovalRules.afterSandboxFailure(policy, looksLikeSandboxDenial);
        return new Failure(decision, decision == FailureDecision.ASK_RETRY_WITHOUT_SANDBOX
                ? "the command failed in the sandbox (it looks like the sandbox refused it); run it again without the sandbox?"
                : "the failure goes back to the model");
    }

    /**
     * An MCP tool runs in its server's process, outside the sandbox, so the policies that ask about
     * commands ask about tools: unless-allow-listed before every call, auto-edit unless the server
     * marks the tool read-only; on-failure and never call without asking (nothing to retry).
     *
     * @param tool         the tool's model-facing name ({@code SERVER__TOOL})
     * @param readOnlyHint the server's {@code readOnlyHint} annotation
     */
    public McpTool forMcpTool(String tool, boolean readOnlyHint) {
        if (approvedMcpTools.contains(tool)) {
            return new McpTool(false, "approved for the session");
        }
        return switch (policy) {
            case NEVER, ON_FAILURE, ON_REQUEST -> new McpTool(false, "approval policy " + policy.wireName() + " calls MCP tools without asking");
            case AUTO_EDIT -> readOnlyHint ? new McpTool(false, "the MCP server marks this tool read-only")
                    : new McpTool(true, "approval policy auto-edit: MCP tool " + tool + " may change things outside the sandbox");
            case UNLESS_ALLOW_LISTED -> new McpTool(true, "approval policy unless-allow-listed asks before every MCP tool call"
                    + " (MCP servers run outside the sandbox)");
        };
    }

    /** Remembers the user's answer about an MCP tool. */
    public void recordMcpToolAnswer(String tool, ReviewDecision answer) {
        if (answer == ReviewDecision.APPROVED_FOR_SESSION) {
            approvedMcpTools.add(tool);
        }
    }

    /** Remembers the user's answer about {@code argv}. */
    public void recordCommandAnswer(List<String> argv, ReviewDecision answer) {
        if (answer == ReviewDecision.APPROVED_FOR_SESSION) {
            approvedCommands.add(List.copyOf(argv));
        }
    }

    /**
     * @param touched every path the patch writes, absolute
     * @param roots   the sandbox's writable roots for this session
     */
    public Patch forPatch(List<Path> touched, WritableRoots roots) {
        PatchDecision decision = ApprovalRules.forPatch(policy, touched, roots, approvedPatchRoots);
        boolean inside = ApprovalRules.forPatch(ApprovalPolicy.NEVER, touched, roots, List.of()) == PatchDecision.APPLY;
        String reason = patchReason(touched, roots);
        if (decision == PatchDecision.REJECT) {
            String keepInside = roots.everything() ? "the workspace"
                    : roots.roots().stream().map(Path::toString).collect(Collectors.joining(", "));
            reason = "patch rejected: " + reason + "; the approval policy is never, so nobody can approve it; "
                    + "keep edits inside " + keepInside;
        }
        return new Patch(decision, reason, inside);
    }

    /** Remembers the user's answer about a patch touching {@code touched}. */
    public void recordPatchAnswer(List<Path> touched, ReviewDecision answer) {
        if (answer == ReviewDecision.APPROVED_FOR_SESSION) {
            for (Path root : ApprovalRules.sessionRootsForPatch(touched)) {
                if (!approvedPatchRoots.contains(root)) {
                    approvedPatchRoots.add(root);
                }
            }
        }
    }

    private String patchReason(List<Path> touched, WritableRoots roots) {
        String gitPaths = touched.stream().filter(ApprovalRules::isGitMetadata).map(Path::toString)
                .collect(Collectors.joining(", "));
        if (!gitPaths.isEmpty() && !roots.everything()) {
            return "the patch edits repository metadata (.git), which git runs code from: " + gitPaths;
        }
        String outside = touched.stream().filter(p -> !roots.isWritable(p)).map(Path::toString)
                .collect(Collectors.joining(", "));
        return outside.isEmpty() ? "approval policy " + policy.wireName() + " asks before every patch"
                : "the patch writes outside the writable folders: " + outside;
    }
}

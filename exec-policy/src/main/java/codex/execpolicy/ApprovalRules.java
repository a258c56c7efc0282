package codex.execpolicy;

import codex.protocol.ApprovalPolicy;
import codex.protocol.SandboxPermission;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * When the agent must ask the user, as pure functions of the approval policy and the facts at hand.
 *
 * <table>
 *   <caption>Rules</caption>
 *   <tr><th>policy</th><th>known-safe command</th><th>other command</th><th>patch inside writable roots</th>
 *       <th>patch outside</th><th>sandbox denial</th></tr>
 *   <tr><td>unless-allow-listed</td><td>run</td><td>ask</td><td>ask</td><td>ask</td><td>report</td></tr>
 *   <tr><td>auto-edit</td><td>run</td><td>ask</td><td>apply</td><td>ask</td><td>report</td></tr>
 *   <tr><td>on-failure</td><td>run</td><td>run</td><td>apply</td><td>ask</td><td>ask to retry unsandboxed</td></tr>
 *   <tr><td>on-request</td><td>run</td><td>run (ask when the model requests escalation)</td><td>apply</td><td>ask</td><td>report</td></tr>
 *   <tr><td>never</td><td>run</td><td>run</td><td>apply</td><td>reject</td><td>report</td></tr>
 * </table>
 *
 * Under on-request the model may ask for one command to run outside the sandbox (the shell tool's
 * {@code sandbox_permissions: "require_escalated"} with a justification): that asks the user, and an
 * approval runs it unsandboxed. Under the other policies such a request is ignored (the command runs as
 * the policy says, sandboxed or asked about).
 *
 * An "approve for session" answer makes the same command run unsandboxed without asking (under
 * every policy), and a later patch under an approved root apply (under every policy that asks).
 * {@link SessionApprovals} keeps those answers for one session and is what the agent asks.
 */
public final class ApprovalRules {

    private ApprovalRules() {
    }

    /**
     * Whether to ask before running {@code argv}.
     *
     * @param approvedForSession the user already answered {@link ReviewDecision#APPROVED_FOR_SESSION}
     *                           for this exact command: it runs as it did when approved, without the
     *                           sandbox and without asking, under every policy
     */
    public static CommandDecision forCommand(ApprovalPolicy policy, List<String> argv, boolean approvedForSession) {
        return forCommand(policy, argv, approvedForSession, false);
    }

    /**
     * As {@link #forCommand(ApprovalPolicy, List, boolean)}; {@code escalationRequested}: the model asked to
     * run this command outside the sandbox, which under on-request asks the user (ignored otherwise).
     */
    public static CommandDecision forCommand(ApprovalPolicy policy, List<String> argv, boolean approvedForSession,
                                             boolean escalationRequested) {
        requirePolicy(policy);
        if (approvedForSession) {
            return CommandDecision.RUN_UNSANDBOXED;
        }
        if (policy == ApprovalPolicy.ON_REQUEST && escalationRequested) {
            return CommandDecision.ASK_USER;
        }
        if (SafeCommands.isKnownSafe(argv)) {
            return CommandDecision.RUN_SANDBOXED;
        }
        return switch (policy) {
            case NEVER, ON_FAILURE, ON_REQUEST -> CommandDecision.RUN_SANDBOXED;
            case UNLESS_ALLOW_LISTED, AUTO_EDIT -> CommandDecision.ASK_USER;
        };
    }

    /**
     * What to do after a sandboxed command failed.
     *
     * @param looksLikeSandboxDenial the failure looks like the sandbox refused something (permission
     *                               denied on a write, blocked network…), not like an ordinary error
     */
    public static FailureDecision afterSandboxFailure(ApprovalPolicy policy, boolean looksLikeSandboxDenial) {
        requirePolicy(policy);
        return policy == ApprovalPolicy.ON_FAILURE && looksLikeSandboxDenial
                ? FailureDecision.ASK_RETRY_WITHOUT_SANDBOX
                : FailureDecision.REPORT_TO_MODEL;
    }

    /**
     * Whether to apply a patch without asking.
     *
     * @param touchedPaths             every file the patch adds, changes, deletes or moves to/from; absolute
     * @param writableRoots            the sandbox's writable roots (see {@link #writableRoots}); absolute
     * @param rootsApprovedForSession  roots the user approved patches under for this session; absolute
     *                                 (ignored under {@code never}, which never asks)
     * @throws IllegalArgumentException if no path is touched or a path is relative
     */
    public static PatchDecision forPatch(ApprovalPolicy policy, Collection<Path> touchedPaths,
                                         Collection<Path> writableRoots, Collection<Path> rootsApprovedForSession) {
        Objects.requireNonNull(writableRoots, "writableRoots (pass an empty list for none)");
        return forPatch(policy, touchedPaths, WritableRoots.of(writableRoots), rootsApprovedForSession);
    }

    /** As {@link #forPatch(ApprovalPolicy, Collection, Collection, Collection)}, with roots that may mean "everything". */
    public static PatchDecision forPatch(ApprovalPolicy policy, Collection<Path> touchedPaths,
                                         WritableRoots writableRoots, Collection<Path> rootsApprovedForSession) {
        requirePolicy(policy);
        Objects.requireNonNull(writableRoots, "writableRoots (pass an empty list for none)");
        Objects.requireNonNull(rootsApprovedForSession, "rootsApprovedForSession (pass an empty list for none)");
        if (touchedPaths == null || touchedPaths.isEmpty()) {
            throw new IllegalArgumentException("a patch must touch at least one path; an empty patch has nothing to approve");
        }
        touchedPaths.forEach(p -> PathContainment.requireAbsolute(p, "touched path"));
        rootsApprovedForSession.forEach(p -> PathContainment.requireAbsolute(p, "session-approved root"));
        boolean approvedForSession = touchedPaths.stream()
                .allMatch(p -> PathContainment.isInsideAny(p, rootsApprovedForSession));
        // .git/ holds config and hooks that later "safe" git commands execute: editing it always
        // needs a human, unless the user granted full write access anyway
        boolean insideWritableRoots = touchedPaths.stream().allMatch(writableRoots::isWritable)
                && (writableRoots.everything() || touchedPaths.stream().noneMatch(ApprovalRules::isGitMetadata));
        return switch (policy) {
            case UNLESS_ALLOW_LISTED -> approvedForSession ? PatchDecision.APPLY : PatchDecision.ASK_USER;
            case AUTO_EDIT, ON_FAILURE, ON_REQUEST -> insideWritableRoots || approvedForSession ? PatchDecision.APPLY : PatchDecision.ASK_USER;
            case NEVER -> insideWritableRoots ? PatchDecision.APPLY : PatchDecision.REJECT;
        };
    }

    /** Whether a path lies inside a {@code .git} directory (repository metadata: config, hooks, refs). */
    public static boolean isGitMetadata(Path path) {
        for (Path name : path.normalize()) {
            if (name.toString().equals(".git")) {
                return true;
            }
        }
        return false;
    }

    /**
     * The roots to remember when the user approves a patch for the session: the directory of each
     * touched file, so later patches to files beside them are not asked about again.
     */
    public static List<Path> sessionRootsForPatch(Collection<Path> touchedPaths) {
        List<Path> roots = new ArrayList<>();
        for (Path path : touchedPaths) {
            PathContainment.requireAbsolute(path, "touched path");
            Path parent = path.normalize().getParent();
            Path root = parent == null ? path.normalize() : parent;
            if (!roots.contains(root)) {
                roots.add(root);
            }
        }
        return roots;
    }

    /** The writable roots {@code permissions} grant; see {@link WritableRoots#fromPermissions}. */
    public static WritableRoots writableRoots(List<SandboxPermission> permissions, Path cwd, Map<String, String> env) {
        return WritableRoots.fromPermissions(permissions, cwd, env);
    }

    private static void requirePolicy(ApprovalPolicy policy) {
        if (policy == null) {
            throw new IllegalArgumentException("approval policy must not be null; valid policies are: " + ApprovalPolicy.VALID_NAMES);
        }
    }
}

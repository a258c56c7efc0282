package codex.execpolicy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import codex.protocol.ApprovalPolicy;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The session's one approval authority: decisions with reasons, and the "for the session" answers. */
class SessionApprovalsTest {
    static final Path ROOT = Path.of("/work/project");
    static final WritableRoots ROOTS = WritableRoots.of(List.of(ROOT));
    static final List<String> MAKE = List.of("make");

    @Test
    void aCommandApprovedForTheSessionRunsUnsandboxedUnderEveryPolicy() {
        for (ApprovalPolicy policy : ApprovalPolicy.values()) {
            SessionApprovals approvals = new SessionApprovals(policy);
            approvals.recordCommandAnswer(MAKE, ReviewDecision.APPROVED_FOR_SESSION);
            SessionApprovals.Command decision = approvals.forCommand(MAKE);
            assertEquals(CommandDecision.RUN_UNSANDBOXED, decision.decision(), policy.wireName());
            assertEquals("approved for the session", decision.reason());
            assertEquals(ApprovalRules.forCommand(policy, MAKE, false), approvals.forCommand(List.of("make", "install")).decision(),
                    "another command is decided by the policy alone");
        }
    }

    @Test
    void aPlainApprovalIsNotRemembered() {
        SessionApprovals approvals = new SessionApprovals(ApprovalPolicy.UNLESS_ALLOW_LISTED);
        approvals.recordCommandAnswer(MAKE, ReviewDecision.APPROVED);
        approvals.recordCommandAnswer(MAKE, ReviewDecision.DENIED);
        SessionApprovals.Command decision = approvals.forCommand(MAKE);
        assertEquals(CommandDecision.ASK_USER, decision.decision());
        assertTrue(decision.reason().contains("unless-allow-listed") && decision.reason().contains("without the sandbox"),
                decision.reason());
    }

    @Test
    void aNewPolicyForgetsWhatWasApprovedForTheSession() {
        SessionApprovals approvals = new SessionApprovals(ApprovalPolicy.UNLESS_ALLOW_LISTED);
        approvals.recordCommandAnswer(MAKE, ReviewDecision.APPROVED_FOR_SESSION);
        approvals.recordPatchAnswer(List.of(Path.of("/notes/a.md")), ReviewDecision.APPROVED_FOR_SESSION);
        assertFalse(approvals.changePolicy(ApprovalPolicy.UNLESS_ALLOW_LISTED), "same policy: nothing forgotten");
        assertEquals(CommandDecision.RUN_UNSANDBOXED, approvals.forCommand(MAKE).decision());

        assertTrue(approvals.changePolicy(ApprovalPolicy.AUTO_EDIT));
        assertEquals(ApprovalPolicy.AUTO_EDIT, approvals.policy());
        assertEquals(CommandDecision.ASK_USER, approvals.forCommand(MAKE).decision());
        assertEquals(PatchDecision.ASK_USER, approvals.forPatch(List.of(Path.of("/notes/b.md")), ROOTS).decision());
    }

    @Test
    void onlyOnFailureAsksToRetryASandboxDenial() {
        SessionApprovals onFailure = new SessionApprovals(ApprovalPolicy.ON_FAILURE);
        SessionApprovals.Failure retry = onFailure.afterSandboxFailure(true);
        assertEquals(FailureDecision.ASK_RETRY_WITHOUT_SANDBOX, retry.decision());
        assertTrue(retry.reason().contains("without the sandbox"));
        assertEquals(FailureDecision.REPORT_TO_MODEL, onFailure.afterSandboxFailure(false).decision());
        assertEquals(FailureDecision.REPORT_TO_MODEL, new SessionApprovals(ApprovalPolicy.NEVER).afterSandboxFailure(true).decision());
    }

    @Test
    void aPatchInsideIsConfinedToTheRootsAndOneApprovedOutsideIsNot() {
        SessionApprovals approvals = new SessionApprovals(ApprovalPolicy.AUTO_EDIT);
        SessionApprovals.Patch inside = approvals.forPatch(List.of(ROOT.resolve("A.java")), ROOTS);
        assertEquals(PatchDecision.APPLY, inside.decision());
        assertTrue(inside.restrictToWritableRoots());

        List<Path> outside = List.of(Path.of("/notes/a.md"));
        SessionApprovals.Patch ask = approvals.forPatch(outside, ROOTS);
        assertEquals(PatchDecision.ASK_USER, ask.decision());
        assertEquals("the patch writes outside the writable folders: /notes/a.md", ask.reason());
        approvals.recordPatchAnswer(outside, ReviewDecision.APPROVED_FOR_SESSION);
        SessionApprovals.Patch later = approvals.forPatch(List.of(Path.of("/notes/b.md")), ROOTS);
        assertEquals(PatchDecision.APPLY, later.decision());
        assertFalse(later.restrictToWritableRoots(), "the user let it out of the writable roots");
    }

    @Test
    void neverRejectsWithAReasonTheModelCanActOn() {
        SessionApprovals.Patch rejected = new SessionApprovals(ApprovalPolicy.NEVER)
                .forPatch(List.of(ROOT.resolve(".git/hooks/pre-commit")), ROOTS);
        assertEquals(PatchDecision.REJECT, rejected.decision());
        assertTrue(rejected.reason().contains("repository metadata (.git)"), rejected.reason());
        assertTrue(rejected.reason().contains("keep edits inside /work/project"), rejected.reason());
    }

    @Test
    void onRequestAsksWhenTheModelRequestsEscalationWithItsJustificationAndOtherPoliciesIgnoreIt() {
        SessionApprovals onRequest = new SessionApprovals(ApprovalPolicy.ON_REQUEST);
        assertEquals(CommandDecision.RUN_SANDBOXED, onRequest.forCommand(MAKE).decision());
        SessionApprovals.Command escalated = onRequest.forCommand(MAKE, "needs the network to fetch dependencies");
        assertEquals(CommandDecision.ASK_USER, escalated.decision());
        assertTrue(escalated.reason().contains("needs the network to fetch dependencies"), escalated.reason());
        assertEquals(FailureDecision.REPORT_TO_MODEL, onRequest.afterSandboxFailure(true).decision(),
                "on-request never offers a retry outside the sandbox: the model asks up front");
        onRequest.recordCommandAnswer(MAKE, ReviewDecision.APPROVED_FOR_SESSION);
        assertEquals(CommandDecision.RUN_UNSANDBOXED, onRequest.forCommand(MAKE, "again").decision());

        assertEquals(CommandDecision.RUN_SANDBOXED, new SessionApprovals(ApprovalPolicy.NEVER).forCommand(MAKE, "please").decision(),
                "never: an escalation request does not widen the sandbox");
        assertEquals(CommandDecision.RUN_SANDBOXED, new SessionApprovals(ApprovalPolicy.ON_FAILURE).forCommand(MAKE, "please").decision());
        assertEquals(ApprovalPolicy.UNLESS_ALLOW_LISTED, ApprovalPolicy.parse("untrusted"));
    }
}

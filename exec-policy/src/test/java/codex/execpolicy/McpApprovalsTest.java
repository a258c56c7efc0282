package codex.execpolicy;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import codex.protocol.ApprovalPolicy;
import org.junit.jupiter.api.Test;

/** When an MCP tool call is asked about: MCP servers run outside the sandbox. */
class McpApprovalsTest {

    @Test
    void neverAndOnFailureCallWithoutAsking() {
        assertFalse(new SessionApprovals(ApprovalPolicy.NEVER).forMcpTool("docs__write", false).ask());
        assertFalse(new SessionApprovals(ApprovalPolicy.ON_FAILURE).forMcpTool("docs__write", false).ask());
    }

    @Test
    void unlessAllowListedAsksEvenForReadOnlyTools_autoEditTrustsReadOnly() {
        assertTrue(new SessionApprovals(ApprovalPolicy.UNLESS_ALLOW_LISTED).forMcpTool("docs__read", true).ask());
        assertFalse(new SessionApprovals(ApprovalPolicy.AUTO_EDIT).forMcpTool("docs__read", true).ask());
        assertTrue(new SessionApprovals(ApprovalPolicy.AUTO_EDIT).forMcpTool("docs__write", false).ask());
    }

    @Test
    void approvedForTheSessionHoldsForThatToolOnly_untilThePolicyChanges() {
        SessionApprovals a = new SessionApprovals(ApprovalPolicy.UNLESS_ALLOW_LISTED);
        a.recordMcpToolAnswer("docs__write", ReviewDecision.APPROVED);
        assertTrue(a.forMcpTool("docs__write", false).ask(), "approved once is not for the session");
        a.recordMcpToolAnswer("docs__write", ReviewDecision.APPROVED_FOR_SESSION);
        assertFalse(a.forMcpTool("docs__write", false).ask());
        assertTrue(a.forMcpTool("docs__delete", false).ask());
        assertTrue(a.changePolicy(ApprovalPolicy.AUTO_EDIT), "a policy change forgets it");
        assertTrue(a.forMcpTool("docs__write", false).ask());
    }
}

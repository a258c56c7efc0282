package codex.gateway.approvals;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class ApprovalInboxTest {
    final ApprovalInbox inbox = new ApprovalInbox();

    static JsonObject event(String session, String type, JsonObject msg) {
        return new JsonObject().put("session_id", session).put("turn_id", "t").put("ts", 1_000L)
                .put("msg", msg.copy().put("type", type));
    }

    static JsonObject execRequest(String session, String callId, String approvalId) {
        return event(session, "exec_approval_request", new JsonObject().put("call_id", callId)
                .put("approval_id", approvalId).put("command", new JsonArray().add("make")).put("cwd", "/w"));
    }

    @Test
    void aSecondAnswerIsAConflictAndAnUnknownIdIsNotFound() {
        inbox.onEvent(execRequest("s", "call_0", "apr_1"));
        assertEquals("exec", inbox.pending().get(0).kind());
        assertEquals(400, assertThrows(ApprovalInbox.Refusal.class, () -> inbox.answer("apr_1", "yes please", "alice")).status());
        assertEquals(1, inbox.pending().size(), "a bad decision leaves it pending");
        inbox.answer("apr_1", "approved", "alice");
        assertTrue(inbox.pending().isEmpty());
        ApprovalInbox.Refusal again = assertThrows(ApprovalInbox.Refusal.class, () -> inbox.answer("apr_1", "denied", "bob"));
        assertEquals(409, again.status());
        assertTrue(again.getMessage().contains("approved by alice"), again.getMessage());
        assertEquals(404, assertThrows(ApprovalInbox.Refusal.class, () -> inbox.answer("apr_9", "denied", "bob")).status());
    }

    @Test
    void callIdsRepeatButApprovalIdsDoNot() {
        inbox.onEvent(execRequest("s", "call_0", "apr_1"));
        inbox.answer("apr_1", "approved", "alice");
        inbox.onEvent(event("s", "task_complete", new JsonObject()));
        inbox.onEvent(execRequest("s", "call_0", "apr_2"));
        inbox.onEvent(execRequest("other", "call_0", "apr_3"));
        assertEquals(409, assertThrows(ApprovalInbox.Refusal.class, () -> inbox.answer("apr_1", "approved", "alice")).status());
        assertEquals(2, inbox.pending().size(), "the late answer approved nothing");
    }

    @Test
    void settledByTheAgentTheTurnOrAFailedDelivery() {
        inbox.onEvent(execRequest("s", "c1", "apr_1"));
        inbox.onEvent(execRequest("s", "c2", "apr_2"));
        inbox.onEvent(event("s", "approval_resolved", new JsonObject().put("approval_id", "apr_1").put("call_id", "c1")
                .put("decision", "denied").put("reason", "no answer within 5 s")));
        assertEquals("resolved", inbox.find("apr_1").state());
        assertEquals("no answer within 5 s", inbox.find("apr_1").toApproval().resolution());
        ApprovalInbox.Entry e = inbox.answer("apr_2", "approved", "bob");
        inbox.undo(e);
        assertEquals("pending", inbox.find("apr_2").state());
        assertNull(inbox.find("apr_2").toApproval().decidedBy());
        inbox.onEvent(event("s", "turn_aborted", new JsonObject()));
        assertTrue(inbox.pending().isEmpty());
        // a re-announcement (a restarted gateway) of a settled request does not bring it back
        inbox.onEvent(execRequest("s", "c2", "apr_2"));
        assertTrue(inbox.pending().isEmpty());
    }
}

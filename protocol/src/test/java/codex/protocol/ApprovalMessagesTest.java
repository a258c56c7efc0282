package codex.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import codex.protocol.ApprovalMessages.AnnouncePending;
import codex.protocol.ApprovalMessages.Approval;
import codex.protocol.ApprovalMessages.InboxEntry;
import codex.protocol.ApprovalMessages.InboxRequest;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

class ApprovalMessagesTest {
    private static String refusal(String json, Class<?> type) {
        return assertThrows(IllegalArgumentException.class, () -> Json.decode(json, type)).getMessage();
    }

    @Test
    void requestsHaveTheirDocumentedKeysAndRoundTrip() {
        assertEquals(new JsonObject().put("action", "list"), Json.toJson(InboxRequest.list()));
        InboxRequest answer = InboxRequest.answer("apr_1", "approved", "ana", null);
        JsonObject json = Json.toJson(answer);
        assertEquals(new JsonObject().put("action", "answer").put("approval_id", "apr_1").put("decision", "approved")
                .put("decided_by", "ana"), json);
        assertEquals(answer, Json.fromJson(json, InboxRequest.class));
        assertEquals(new JsonObject().put("reply_to", "x"), Json.toJson(new AnnouncePending("x")));
        Approval a = new Approval("apr_1", "s1", "t1", "c1", "exec", List.of("make", "test"), "/w", null, null, null,
                "2026-12-02T00:00:00Z", "pending", null, null, null);
        assertEquals(new JsonObject().put("approval", new JsonObject().put("approval_id", "apr_1").put("session_id", "s1")
                .put("turn_id", "t1").put("call_id", "c1").put("kind", "exec").put("command", new io.vertx.core.json.JsonArray()
                        .add("make").add("test")).put("cwd", "/w").put("requested_at", "2026-12-02T00:00:00Z")
                .put("state", "pending")), Json.toJson(new InboxEntry(a)));
    }

    @Test
    void aRequestMissingWhatItsActionNeedsIsRefusedNamingIt() {
        assertEquals("cannot decode InboxRequest: an approvals request needs action", refusal("{}", InboxRequest.class));
        assertEquals("cannot decode InboxRequest: an approvals lookup needs approval_id",
                refusal("{\"action\":\"lookup\"}", InboxRequest.class));
        assertEquals("cannot decode InboxRequest: an approvals answer needs decision",
                refusal("{\"action\":\"answer\",\"approval_id\":\"a\"}", InboxRequest.class));
        assertEquals("cannot decode InboxRequest: unknown approvals action 'delete'; valid actions are: list, lookup, answer",
                refusal("{\"action\":\"delete\"}", InboxRequest.class));
        assertEquals("cannot decode AnnouncePending: an approvals re-announcement request needs reply_to",
                refusal("{}", AnnouncePending.class));
    }
}

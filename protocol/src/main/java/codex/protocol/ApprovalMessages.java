package codex.protocol;

import static codex.protocol.SessionMessages.required;

import java.util.List;
import java.util.Map;

/**
 * Bodies of the approvals inbox ({@link Addresses#GATEWAY_APPROVALS}) and of the agents'
 * re-announcement of waiting requests ({@link Addresses#AGENT_PENDING_APPROVALS}). Every field is
 * required unless documented otherwise; a body that lacks one is refused with 400 naming it.
 */
public final class ApprovalMessages {
    private ApprovalMessages() {
    }

    /** What the inbox is asked to do. */
    public enum Action implements WireName {
        LIST, LOOKUP, ANSWER;

        @com.fasterxml.jackson.annotation.JsonCreator
        public static Action parse(String text) { return WireName.parse(Action.class, text, "approvals action", "actions"); }

        @Override public String toString() { return wireName(); }
    }

    /**
     * A request to the inbox: {@code list} the pending requests, {@code lookup} one, or
     * {@code answer} one ({@code decision}: approved, approved_for_session, denied, abort).
     *
     * @param approvalId for lookup and answer
     * @param decision   for answer
     * @param decidedBy  for answer, optional: the identity that answered
     * @param reason     for answer, optional: why (e.g. a timeout)
     */
    public record InboxRequest(Action action, String approvalId, String decision, String decidedBy, String reason) {
        public InboxRequest {
            required(action, "action", "an approvals request");
            if (action != Action.LIST) {
                required(approvalId, "approval_id", "an approvals " + action.wireName());
            }
            if (action == Action.ANSWER) {
                required(decision, "decision", "an approvals answer");
            }
        }

        public static InboxRequest list() {
            return new InboxRequest(Action.LIST, null, null, null, null);
        }

        public static InboxRequest lookup(String approvalId) {
            return new InboxRequest(Action.LOOKUP, approvalId, null, null, null);
        }

        public static InboxRequest answer(String approvalId, String decision, String decidedBy, String reason) {
            return new InboxRequest(Action.ANSWER, approvalId, decision, decidedBy, reason);
        }
    }

    /**
     * One approval request as the inbox shows it (the HTTP API's {@code Approval}).
     *
     * @param turnId     optional
     * @param command    exec requests: the argv
     * @param cwd        exec requests
     * @param changes    patch requests: path → {kind, content?, unified_diff?, move_path?}
     * @param grantRoot  patch requests, optional
     * @param reason     optional: why the agent asks
     * @param requestedAt ISO-8601
     * @param state      pending, answered or resolved
     * @param decision   once answered or resolved
     * @param decidedBy  optional
     * @param resolution optional: how it was settled other than by an answer
     */
    public record Approval(String approvalId, String sessionId, String turnId, String callId, String kind,
                           List<String> command, String cwd, Map<String, Object> changes, String grantRoot,
                           String reason, String requestedAt, String state, String decision, String decidedBy,
                           String resolution) {
        public Approval {
            required(approvalId, "approval_id", "an approval");
            required(sessionId, "session_id", "an approval");
            required(callId, "call_id", "an approval");
            required(kind, "kind", "an approval");
            required(requestedAt, "requested_at", "an approval");
            required(state, "state", "an approval");
        }
    }

    /** The answer to {@code list}: the pending requests, oldest first. */
    public record InboxList(List<Approval> approvals) {
        public InboxList {
            approvals = List.copyOf(required(approvals, "approvals", "an approvals list"));
        }
    }

    /** The answer to {@code lookup} and {@code answer}. */
    public record InboxEntry(Approval approval) {
        public InboxEntry {
            required(approval, "approval", "an approvals reply");
        }
    }

    /**
     * Sent (published) by a gateway that (re)started: every agent sends each request still waiting
     * there, as the event that asked it, to {@code replyTo}.
     */
    public record AnnouncePending(String replyTo) {
        public AnnouncePending {
            required(replyTo, "reply_to", "an approvals re-announcement request");
        }
    }
}

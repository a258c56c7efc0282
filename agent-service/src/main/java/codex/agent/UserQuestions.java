package codex.agent;

import codex.execpolicy.ReviewDecision;
import codex.protocol.EventMsg;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.Iterator;
import java.util.UUID;

/**
 * Asking the user to approve something and waiting for the answer (an interrupt fails the wait).
 * Each question gets an approval id made here, unique for ever, stamped on the request event; an
 * answer naming it answers that question only. When the question is settled an
 * {@code approval_resolved} event says how and, when the gateway told us, by whom.
 */
final class UserQuestions {
    private final SessionContext session;

    UserQuestions(SessionContext session) {
        this.session = session;
    }

    /** Emits {@code request} (stamped with a new approval id) and completes with the user's answer; an unknown answer counts as denied. */
    Future<ReviewDecision> ask(Turn turn, String callId, EventMsg request) {
        if (turn.interrupted) {
            return Future.failedFuture("interrupted");
        }
        String approvalId = "apr_" + UUID.randomUUID();
        EventMsg stamped = withApprovalId(request, approvalId);
        Promise<Turn.Answer> answer = Promise.promise();
        turn.pendingApprovals.put(approvalId, new Turn.PendingApproval(approvalId, callId, stamped,
                System.currentTimeMillis(), answer));
        session.emit(turn, stamped);
        session.checkpoint();
        return answer.future().compose(given -> {
            ReviewDecision decision;
            try {
                decision = ReviewDecision.parse(given.decision());
            } catch (IllegalArgumentException e) {
                session.emit(turn, new EventMsg.Error("unknown approval decision '" + given.decision()
                        + "'; valid decisions are: " + ReviewDecision.VALID_NAMES + ". Treating it as denied."));
                decision = ReviewDecision.DENIED;
            }
            String how = given.reason() != null ? given.reason()
                    : given.decidedBy() != null ? "answered by " + given.decidedBy() : "answered";
            session.emit(turn, new EventMsg.ApprovalResolved(approvalId, callId, decision.wireName(),
                    given.decidedBy(), how));
            return Future.succeededFuture(decision);
        }, failure -> {
            session.emit(turn, new EventMsg.ApprovalResolved(approvalId, callId, ReviewDecision.ABORT.wireName(), null,
                    "the turn was interrupted before an answer came"));
            return Future.failedFuture(failure);
        });
    }

    private static EventMsg withApprovalId(EventMsg request, String approvalId) {
        if (request instanceof EventMsg.ExecApprovalRequest r) {
            return new EventMsg.ExecApprovalRequest(r.callId(), r.command(), r.cwd(), r.reason(), approvalId);
        }
        if (request instanceof EventMsg.ApplyPatchApprovalRequest r) {
            return new EventMsg.ApplyPatchApprovalRequest(r.callId(), r.changes(), r.reason(), r.grantRoot(), approvalId);
        }
        return request;
    }

    /**
     * The user's answer: to the question with {@code approvalId} when given, else to the one
     * waiting with {@code callId}. False when nothing waits for it (already answered, from an
     * earlier turn, or unknown): then nothing is approved.
     */
    static boolean answer(Turn turn, String callId, String approvalId, Turn.Answer answer) {
        if (turn == null) {
            return false;
        }
        Turn.PendingApproval p = null;
        if (approvalId != null) {
            p = turn.pendingApprovals.get(approvalId);
            if (p != null && callId != null && !callId.equals(p.callId())) {
                p = null; // an id and a call that do not belong together answer nothing
            }
        } else {
            for (Iterator<Turn.PendingApproval> it = turn.pendingApprovals.values().iterator(); it.hasNext(); ) {
                Turn.PendingApproval candidate = it.next();
                if (candidate.callId().equals(callId)) {
                    p = candidate;
                    break;
                }
            }
        }
        if (p == null) {
            return false;
        }
        turn.pendingApprovals.remove(p.approvalId());
        p.answer().tryComplete(answer);
        return true;
    }
}

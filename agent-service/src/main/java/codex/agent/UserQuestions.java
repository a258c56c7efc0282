package codex.agent;

import codex.execpolicy.ReviewDecision;
import codex.protocol.EventMsg;
import io.vertx.core.Future;
import io.vertx.core.Promise;

/** Asking the user to approve something and waiting for the answer (an interrupt fails the wait). */
final class UserQuestions {
    private final SessionContext session;

    UserQuestions(SessionContext session) {
        this.session = session;
    }

    /** Emits {@code request} and completes with the user's answer; an unknown answer counts as denied. */
    Future<ReviewDecision> ask(Turn turn, String callId, EventMsg request) {
        if (turn.interrupted) {
            return Future.failedFuture("interrupted");
        }
        Promise<String> answer = Promise.promise();
        turn.pendingApprovals.put(callId, answer);
        session.emit(turn, request);
        session.checkpoint();
        return answer.future().compose(text -> {
            try {
                return Future.succeededFuture(ReviewDecision.parse(text));
            } catch (IllegalArgumentException e) {
                session.emit(turn, new EventMsg.Error("unknown approval decision '" + text + "'; valid decisions are: "
                        + ReviewDecision.VALID_NAMES + ". Treating it as denied."));
                return Future.succeededFuture(ReviewDecision.DENIED);
            }
        });
    }

    /** The user's answer to the question about {@code callId}; ignored when nothing waits for it. */
    static void answer(Turn turn, String callId, String decision) {
        if (turn == null) {
            return;
        }
        Promise<String> p = turn.pendingApprovals.remove(callId);
        if (p != null) {
            p.tryComplete(decision);
        }
    }
}

package codex.agent;

import codex.agent.tools.ToolOutputFormatter;
import codex.execpolicy.ApprovalRules;
import codex.execpolicy.SessionApprovals;
import codex.execpolicy.WritableRoots;
import codex.protocol.EventMsg;
import codex.protocol.SandboxMessages.ApplyPatch;
import codex.protocol.SandboxMessages.PatchApplied;
import codex.protocol.SandboxMessages.PlanPatch;
import codex.protocol.SandboxPermission;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** An apply_patch call under the approval policy: plan it, carry out {@link SessionApprovals}' decision, apply it. */
final class PatchFlow {
    static final String DENIED_OUTPUT = "patch rejected by user: do not apply it again; ask the user what to change";

    private final SessionContext session;
    private final Supplier<SessionApprovals> approvals;
    private final SandboxGateway sandbox;
    private final UserQuestions questions;
    private final Map<String, String> env;

    PatchFlow(SessionContext session, Supplier<SessionApprovals> approvals, SandboxGateway sandbox,
              UserQuestions questions, Map<String, String> env) {
        this.session = session;
        this.approvals = approvals;
        this.sandbox = sandbox;
        this.questions = questions;
        this.env = env;
    }

    /** Completes with the text for the model; fails with {@link TurnAbortedByUser} on "abort". */
    Future<String> run(Turn turn, String callId, String patchText, Path cwd) {
        return untilInterrupted(turn, sandbox.planPatch(new PlanPatch(patchText, cwd.toString())),
                "interrupted before the sandbox answered").compose(plan -> {
            if (!plan.ok()) {
                return Future.succeededFuture(output("apply_patch verification failed: " + plan.error(), 1));
            }
            List<Path> touched = plan.touchedPaths().stream().map(Path::of).toList();
            WritableRoots roots = ApprovalRules.writableRoots(SandboxPermission.parseAll(session.config().sandboxPermissions()),
                    Path.of(session.config().cwd()), env);
            SessionApprovals.Patch decision = approvals.get().forPatch(touched, roots);
            List<String> restrictTo = roots.everything() || !decision.restrictToWritableRoots() ? null
                    : roots.roots().stream().map(Path::toString).toList();
            return switch (decision.decision()) {
                case APPLY -> apply(turn, callId, patchText, cwd, plan.changes(), true, restrictTo);
                case REJECT -> Future.succeededFuture(output(decision.reason(), 1));
                case ASK_USER -> questions.ask(turn, callId,
                                new EventMsg.ApplyPatchApprovalRequest(callId, plan.changes(), decision.reason(), null))
                        .onSuccess(review -> approvals.get().recordPatchAnswer(touched, review))
                        .compose(review -> switch (review) {
                            case APPROVED, APPROVED_FOR_SESSION -> apply(turn, callId, patchText, cwd, plan.changes(), false, null);
                            case DENIED -> Future.succeededFuture(output(DENIED_OUTPUT, 1));
                            case ABORT -> Future.<String>failedFuture(new TurnAbortedByUser());
                        });
            };
        }, err -> Future.succeededFuture(output("the sandbox could not check the patch: " + Items.messageOf(err), 1)));
    }

    /** @param roots where the sandbox may write; null: anywhere (approved, or the session may write everywhere) */
    private Future<String> apply(Turn turn, String callId, String patchText, Path cwd,
                                 Map<String, EventMsg.FileChange> changes, boolean autoApproved, List<String> roots) {
        session.emit(turn, new EventMsg.PatchApplyBegin(callId, autoApproved, changes));
        long started = System.nanoTime();
        ApplyPatch request = roots == null ? ApplyPatch.anywhere(patchText, cwd.toString())
                : ApplyPatch.within(patchText, cwd.toString(), roots);
        return untilInterrupted(turn, sandbox.applyPatch(request),
                "interrupted before the sandbox answered; the patch may have been applied")
                .transform(ar -> {
                    PatchApplied result = ar.succeeded() ? ar.result()
                            : new PatchApplied(false, "", "the sandbox could not apply the patch: " + Items.messageOf(ar.cause()));
                    session.emit(turn, new EventMsg.PatchApplyEnd(callId, result.stdout(),
                            result.error() == null ? "" : result.error(), result.success()));
                    long ms = (System.nanoTime() - started) / 1_000_000;
                    return Future.succeededFuture(result.success()
                            ? ToolOutputFormatter.commandOutput(result.stdout(), "", 0, ms, false, 0)
                            : ToolOutputFormatter.commandOutput("", result.error(), 1, ms, false, 0));
                });
    }

    /**
     * The sandbox's answer, or a failure as soon as the user interrupts: an interrupt ends the
     * turn even when the sandbox does not answer (lost, stuck) within the request's timeout.
     */
    private static <T> Future<T> untilInterrupted(Turn turn, Future<T> answer, String why) {
        if (turn.interrupted) {
            return Future.failedFuture(why);
        }
        Promise<T> outcome = Promise.promise();
        Runnable stop = () -> outcome.tryFail(why);
        turn.onInterrupt.add(stop);
        answer.onComplete(outcome::tryComplete, outcome::tryFail);
        return outcome.future().onComplete(ar -> turn.onInterrupt.remove(stop));
    }

    static String output(String text, int exitCode) {
        return ToolOutputFormatter.commandOutput("", text, exitCode, 0, false, 0);
    }
}

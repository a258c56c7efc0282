package codex.agent;

import codex.agent.tools.ShellCall;
import codex.agent.tools.ToolOutputFormatter;
import codex.execpolicy.FailureDecision;
import codex.execpolicy.ReviewDecision;
import codex.execpolicy.SessionApprovals;
import codex.protocol.EventMsg;
import codex.protocol.SandboxMessages.ExecCommand;
import codex.protocol.SandboxMessages.ExecFinished;
import io.vertx.core.Future;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;

/** A shell call under the approval policy: carries out {@link SessionApprovals}' decision, asks when told to. */
final class CommandFlow {
    static final String DENIED_OUTPUT = "exec command rejected by user: do not run it again; ask the user or try another way";

    private final SessionContext session;
    private final Supplier<SessionApprovals> approvals;
    private final SandboxGateway sandbox;
    private final UserQuestions questions;

    CommandFlow(SessionContext session, Supplier<SessionApprovals> approvals, SandboxGateway sandbox, UserQuestions questions) {
        this.session = session;
        this.approvals = approvals;
        this.sandbox = sandbox;
        this.questions = questions;
    }

    /** What one run of a command left: enough for the policy and for the model. */
    record CommandRun(boolean succeeded, boolean sandboxDenied, String modelOutput) { }

    /** Runs (or asks about) the call; completes with the text for the model, fails with {@link TurnAbortedByUser}. */
    Future<String> run(Turn turn, String callId, ShellCall call) {
        SessionApprovals.Command decision = approvals.get().forCommand(call.command(), call.justification());
        return switch (decision.decision()) {
            case RUN_UNSANDBOXED -> runShell(turn, callId, call, false).map(CommandRun::modelOutput);
            case RUN_SANDBOXED -> runShell(turn, callId, call, true)
                    .compose(result -> afterSandboxedRun(turn, callId, call, result));
            case ASK_USER -> ask(turn, callId, call, decision.reason()).compose(review -> switch (review) {
                case APPROVED, APPROVED_FOR_SESSION -> runShell(turn, callId, call, false).map(CommandRun::modelOutput);
                case DENIED -> Future.succeededFuture(DENIED_OUTPUT);
                case ABORT -> Future.failedFuture(new TurnAbortedByUser());
            });
        };
    }

    private Future<String> afterSandboxedRun(Turn turn, String callId, ShellCall call, CommandRun first) {
        if (first.succeeded()) {
            return Future.succeededFuture(first.modelOutput());
        }
        SessionApprovals.Failure failure = approvals.get().afterSandboxFailure(first.sandboxDenied());
        if (failure.decision() != FailureDecision.ASK_RETRY_WITHOUT_SANDBOX) {
            return Future.succeededFuture(first.modelOutput());
        }
        return ask(turn, callId, call, failure.reason()).compose(review -> switch (review) {
            case APPROVED, APPROVED_FOR_SESSION -> runShell(turn, callId, call, false).map(CommandRun::modelOutput);
            case DENIED -> Future.succeededFuture(first.modelOutput());
            case ABORT -> Future.failedFuture(new TurnAbortedByUser());
        });
    }

    private Future<ReviewDecision> ask(Turn turn, String callId, ShellCall call, String reason) {
        return questions.ask(turn, callId, new EventMsg.ExecApprovalRequest(callId, call.command(),
                        session.resolveCwd(call.workdir()), reason))
                .onSuccess(review -> approvals.get().recordCommandAnswer(call.command(), review));
    }

    private Future<CommandRun> runShell(Turn turn, String callId, ShellCall call, boolean sandboxed) {
        String cwd = session.resolveCwd(call.workdir());
        String execId = session.sessionId() + "." + UUID.randomUUID();
        turn.runningExecId = execId;
        session.emit(turn, new EventMsg.ExecCommandBegin(callId, call.command(), cwd, sandboxed));
        // unrestricted only here, for a command the approval authority (or the user) let out of the sandbox
        ExecCommand command = new ExecCommand(execId, call.command(), cwd, null, call.timeoutMs(),
                sandboxed ? session.config().sandboxPermissions() : null, !sandboxed, null, 0,
                session.sessionId(), callId);
        return sandbox.exec(command, chunk -> session.emit(turn,
                        new EventMsg.ExecCommandOutputDelta(callId, chunk.stream(), chunk.text())))
                .transform(ar -> {
                    turn.runningExecId = null;
                    if (ar.failed()) {
                        String message = ar.cause() instanceof SandboxLostException lost ? lost.getMessage()
                                : "the sandbox could not run the command: " + Items.messageOf(ar.cause());
                        session.emit(turn, new EventMsg.ExecCommandEnd(callId, -1, 0, "", message, false, false));
                        return Future.succeededFuture(new CommandRun(false, false,
                                ToolOutputFormatter.commandOutput("", message, -1, 0, false, 0)));
                    }
                    ExecFinished result = ar.result();
                    session.emit(turn, endEvent(callId, result));
                    if (result.error() != null) {
                        return Future.succeededFuture(new CommandRun(false, false,
                                ToolOutputFormatter.commandOutput("", result.error(), result.exitCode(), 0, false, 0)));
                    }
                    return Future.succeededFuture(new CommandRun(result.exitCode() == 0 && !result.timedOut(),
                            sandboxed && result.sandboxDenied(),
                            ToolOutputFormatter.commandOutput(result.stdout(), result.stderr(), result.exitCode(),
                                    result.durationMs(), result.timedOut(), result.droppedBytes())));
                });
    }

    /** What the model is told of a call the sandbox has no record of (it is never run again). */
    static final String UNKNOWN_TO_THE_SANDBOX = "the agent running this command stopped and another agent took the"
            + " session over; the sandbox has no record of the command (it never reached the sandbox, or finished too"
            + " long ago), so it was not run again: check its effects before repeating it";

    /**
     * After a takeover: waits for the call's command, which the previous owner started, through the
     * sandbox (never running it again). Completes with the text for the model; the end event is
     * the command's real one when the sandbox knows the call.
     */
    Future<String> attach(Turn turn, String callId) {
        String attachId = session.sessionId() + ".attach." + UUID.randomUUID();
        turn.runningExecId = attachId;
        return sandbox.attach(session.sessionId(), callId, attachId, chunk -> session.emit(turn,
                        new EventMsg.ExecCommandOutputDelta(callId, chunk.stream(), chunk.text())))
                .transform(ar -> {
                    turn.runningExecId = null;
                    String message = ar.failed() ? AgentSession.LOST_WITH_ITS_AGENT + " (" + Items.messageOf(ar.cause()) + ")"
                            : !ar.result().known() || ar.result().result() == null ? UNKNOWN_TO_THE_SANDBOX : null;
                    if (message != null) {
                        session.emit(turn, new EventMsg.ExecCommandEnd(callId, -1, 0, "", message, false, false));
                        return Future.succeededFuture(ToolOutputFormatter.commandOutput("", message, -1, 0, false, 0));
                    }
                    ExecFinished result = ar.result().result();
                    session.emit(turn, endEvent(callId, result));
                    return Future.succeededFuture(result.error() != null
                            ? ToolOutputFormatter.commandOutput("", result.error(), result.exitCode(), 0, false, 0)
                            : ToolOutputFormatter.commandOutput(result.stdout(), result.stderr(), result.exitCode(),
                            result.durationMs(), result.timedOut(), result.droppedBytes()));
                });
    }

    private static EventMsg.ExecCommandEnd endEvent(String callId, ExecFinished r) {
        String stderr = r.error() != null ? r.error() : r.stderr();
        return new EventMsg.ExecCommandEnd(callId, r.exitCode(), r.durationMs(), r.stdout(), stderr, r.timedOut(),
                r.sandboxDenied());
    }
}

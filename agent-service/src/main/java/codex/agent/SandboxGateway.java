package codex.agent;

import codex.protocol.SandboxMessages.ApplyPatch;
import codex.protocol.SandboxMessages.ExecAttached;
import codex.protocol.SandboxMessages.ExecCommand;
import codex.protocol.SandboxMessages.ExecFinished;
import codex.protocol.SandboxMessages.OutputChunk;
import codex.protocol.SandboxMessages.PatchApplied;
import codex.protocol.SandboxMessages.PatchPlan;
import codex.protocol.SandboxMessages.PlanPatch;
import io.vertx.core.Future;
import java.util.function.Consumer;

/** The agent's view of the sandbox-service: the only way it touches the workspace. */
public interface SandboxGateway {
    Future<ExecFinished> exec(ExecCommand command, Consumer<OutputChunk> output);

    void cancel(String execId);

    /**
     * Waits for a command another agent of this session started, by its call id (after a
     * takeover): its further output goes to {@code output}, the answer says whether the sandbox
     * knows the call and, if so, its result. {@code attachId} names this wait (cancel it with
     * {@link #cancel}).
     */
    default Future<ExecAttached> attach(String sessionId, String callId, String attachId, Consumer<OutputChunk> output) {
        return Future.succeededFuture(new ExecAttached(false, null));
    }

    Future<PatchPlan> planPatch(PlanPatch request);

    Future<PatchApplied> applyPatch(ApplyPatch request);
}

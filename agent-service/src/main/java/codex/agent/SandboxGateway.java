package codex.agent;

import codex.protocol.SandboxMessages.ApplyPatch;
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

    Future<PatchPlan> planPatch(PlanPatch request);

    Future<PatchApplied> applyPatch(ApplyPatch request);
}

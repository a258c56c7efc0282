package codex.agent;

import codex.protocol.Addresses;
import codex.protocol.BusRequests;
import codex.protocol.SandboxMessages;
import codex.protocol.Json;
import codex.protocol.SandboxMessages.ApplyPatch;
import codex.protocol.SandboxMessages.ExecCommand;
import codex.protocol.SandboxMessages.ExecFinished;
import codex.protocol.SandboxMessages.OutputChunk;
import codex.protocol.SandboxMessages.PatchApplied;
import codex.protocol.SandboxMessages.PatchPlan;
import codex.protocol.SandboxMessages.PlanPatch;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/** {@link SandboxGateway} over the event bus: works the same in one JVM and across a cluster. */
public final class EventBusSandbox implements SandboxGateway {
    /** Slack on top of the command's own timeout before the bus gives up on the reply. */
    private static final long REPLY_SLACK_MS = 30_000;
    private static final long NO_TIMEOUT_REPLY_MS = 24L * 3600 * 1000;
    private final Vertx vertx;
    private final String outputAddress;
    /** Output listeners of the commands in flight, by exec id (event loop only). */
    private final Map<String, Consumer<OutputChunk>> listeners = new HashMap<>();

    /**
     * @param outputAddress this agent instance's output address, already registered by {@link #listen},
     *                      so the sandbox can stream to it at once, even from another process
     */
    public EventBusSandbox(Vertx vertx, String outputAddress) {
        this.vertx = vertx;
        this.outputAddress = outputAddress;
    }

    /** Registers the instance-wide output consumer; call once, before any command runs. */
    public Future<Void> listen() {
        return vertx.eventBus().<JsonObject>consumer(outputAddress, msg -> {
            OutputChunk chunk = Json.fromJson(msg.body(), OutputChunk.class);
            Consumer<OutputChunk> listener = listeners.get(chunk.execId());
            if (listener != null) {
                listener.accept(chunk);
            }
            if (msg.replyAddress() != null) {
                msg.reply(new JsonObject()); // the sandbox waits for this on a command's first chunk
            }
        }).completion();
    }

    @Override
    public Future<ExecFinished> exec(ExecCommand command, Consumer<OutputChunk> output) {
        ExecCommand routed = command.withOutputAddress(outputAddress);
        listeners.put(command.execId(), output);
        long replyTimeout = command.timeoutMs() > 0 ? command.timeoutMs() + REPLY_SLACK_MS : NO_TIMEOUT_REPLY_MS;
        return BusRequests.call(vertx, Addresses.SANDBOX_EXEC, routed, ExecFinished.class,
                        new DeliveryOptions().setSendTimeout(replyTimeout))
                .onComplete(ar -> listeners.remove(command.execId()));
    }

    @Override
    public void cancel(String execId) {
        vertx.eventBus().publish(Addresses.SANDBOX_CANCEL, Json.toJson(new SandboxMessages.Cancel(execId)));
    }

    @Override
    public Future<PatchPlan> planPatch(PlanPatch request) {
        return BusRequests.call(vertx, Addresses.SANDBOX_PLAN_PATCH, request, PatchPlan.class,
                new DeliveryOptions().setSendTimeout(120_000));
    }

    @Override
    public Future<PatchApplied> applyPatch(ApplyPatch request) {
        return BusRequests.call(vertx, Addresses.SANDBOX_APPLY_PATCH, request, PatchApplied.class,
                new DeliveryOptions().setSendTimeout(120_000));
    }
}

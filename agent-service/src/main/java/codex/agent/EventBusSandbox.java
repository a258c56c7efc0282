package codex.agent;

import codex.protocol.Addresses;
import codex.protocol.BusCodecs;
import codex.protocol.BusRequests;
import codex.protocol.SandboxMessages;
import codex.protocol.Json;
import codex.protocol.SandboxMessages.ApplyPatch;
import codex.protocol.SandboxMessages.ExecCommand;
import codex.agent.ownership.SharedDataOwnershipStore;
import codex.protocol.SandboxMessages.AttachExec;
import codex.protocol.SandboxMessages.ExecAttached;
import codex.protocol.SandboxMessages.ExecFinished;
import codex.protocol.SandboxMessages.ExecStarted;
import codex.protocol.SandboxMessages.OutputChunk;
import codex.protocol.SandboxMessages.PatchApplied;
import codex.protocol.SandboxMessages.PatchPlan;
import codex.protocol.SandboxMessages.PlanPatch;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.function.Consumer;

/** {@link SandboxGateway} over the event bus: works the same in one JVM and across a cluster. */
public final class EventBusSandbox implements SandboxGateway {
    private static final java.util.logging.Logger LOG = java.util.logging.Logger.getLogger(EventBusSandbox.class.getName());
    /** Slack on top of the command's own timeout before the bus gives up on the reply. */
    private static final long REPLY_SLACK_MS = 30_000;
    private static final long NO_TIMEOUT_REPLY_MS = 24L * 3600 * 1000;
    private final Vertx vertx;
    private final String outputAddress;
    /** How often the cluster manager's member list is read while commands are in flight (a local read). */
    static final long MEMBERSHIP_CHECK_MS = 250;
    /** Output listeners of the commands in flight, by exec id (event loop only). */
    private final Map<String, Consumer<OutputChunk>> listeners = new HashMap<>();
    /** The replies awaited, by exec id, and when to stop waiting for one (event loop only). */
    private final Map<String, Consumer<Throwable>> replies = new HashMap<>();
    private final InFlightExecs inFlight = new InFlightExecs();
    private final Supplier<Set<String>> clusterNodes;

    /**
     * @param outputAddress this agent instance's output address, already registered by {@link #listen},
     *                      so the sandbox can stream to it at once, even from another process
     */
    public EventBusSandbox(Vertx vertx, String outputAddress) {
        this(vertx, outputAddress, () -> SharedDataOwnershipStore.nodes(vertx));
    }

    /** @param clusterNodes the cluster's members now (in one JVM: one node that never leaves) */
    EventBusSandbox(Vertx vertx, String outputAddress, Supplier<Set<String>> clusterNodes) {
        this.vertx = vertx;
        this.outputAddress = outputAddress;
        this.clusterNodes = clusterNodes;
    }

    /** Registers the instance-wide output consumer; call once, before any command runs. */
    public Future<Void> listen() {
        // Vert.x keeps the cluster manager's one node listener for itself, so its member list (the
        // cluster's own membership, kept by Hazelcast) is read instead: no heartbeat of ours.
        vertx.setPeriodic(MEMBERSHIP_CHECK_MS, t -> giveUpWhereDue());
        return vertx.eventBus().consumer(outputAddress, msg -> {
            Object body = msg.body() instanceof JsonObject json ? outputMessage(json) : msg.body();
            if (body instanceof OutputChunk chunk) {
                Consumer<OutputChunk> listener = listeners.get(chunk.execId());
                if (listener != null) {
                    listener.accept(chunk);
                }
            } else if (body instanceof ExecStarted started && ExecStarted.TYPE.equals(started.type())) {
                inFlight.started(started.execId(), started.nodeId());
            } // another type (a newer sandbox's notice) or an undecodable one: not for us
            if (msg.replyAddress() != null) {
                msg.reply(new JsonObject()); // the sandbox waits for this on a command's first message
            }
        }).completion();
    }

    /** An output-address message sent as JSON: by its {@code type}, an {@link OutputChunk}, an {@link ExecStarted} or null. */
    private static Object outputMessage(JsonObject json) {
        String type = json.getString("type");
        if (type == null) {
            return Json.fromJson(json, OutputChunk.class);
        }
        return ExecStarted.TYPE.equals(type) ? Json.fromJson(json, ExecStarted.class) : null;
    }

    /** Fails the commands whose sandbox left the cluster, or that did not answer a stop in time. */
    private void giveUpWhereDue() {
        if (inFlight.isEmpty()) {
            return;
        }
        for (InFlightExecs.GiveUp g : inFlight.check(clusterNodes.get(), System.currentTimeMillis())) {
            Consumer<Throwable> reply = replies.remove(g.execId());
            if (reply != null) {
                LOG.warning("giving up on command " + g.execId() + ": " + g.reason());
                reply.accept(new SandboxLostException(g.reason()));
            }
        }
    }

    @Override
    public Future<ExecFinished> exec(ExecCommand command, Consumer<OutputChunk> output) {
        ExecCommand routed = command.withOutputAddress(outputAddress);
        long replyTimeout = command.timeoutMs() > 0 ? command.timeoutMs() + REPLY_SLACK_MS : NO_TIMEOUT_REPLY_MS;
        return tracked(command.execId(), output, () -> BusRequests.call(vertx, Addresses.SANDBOX_EXEC, routed,
                ExecFinished.class, new DeliveryOptions().setSendTimeout(replyTimeout)));
    }

    @Override
    public Future<ExecAttached> attach(String sessionId, String callId, String attachId, Consumer<OutputChunk> output) {
        // the command's own timeout is the sandbox's to enforce: the wait ends with it, or with the sandbox
        return tracked(attachId, output, () -> BusRequests.call(vertx, Addresses.SANDBOX_ATTACH,
                new AttachExec(sessionId, callId, attachId, outputAddress), ExecAttached.class,
                new DeliveryOptions().setSendTimeout(NO_TIMEOUT_REPLY_MS)));
    }

    /** A sandbox request whose wait ends early when its sandbox leaves the cluster or ignores a stop. */
    private <T> Future<T> tracked(String execId, Consumer<OutputChunk> output, Supplier<Future<T>> send) {
        listeners.put(execId, output);
        Promise<T> reply = Promise.promise();
        replies.put(execId, reply::tryFail);
        inFlight.sent(execId);
        send.get().onComplete(reply::tryComplete, reply::tryFail);
        return reply.future().onComplete(ar -> {
            listeners.remove(execId);
            replies.remove(execId);
            inFlight.finished(execId);
        });
    }

    @Override
    public void cancel(String execId) {
        BusCodecs.register(vertx);
        vertx.eventBus().publish(Addresses.SANDBOX_CANCEL, new SandboxMessages.Cancel(execId));
        // an interrupt ends the turn even when the sandbox cannot answer (stopped, cut off)
        inFlight.cancelled(execId, System.currentTimeMillis());
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

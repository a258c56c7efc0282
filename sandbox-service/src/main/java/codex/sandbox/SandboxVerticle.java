package codex.sandbox;

import codex.patch.ApplyResult;
import codex.patch.PatchApplier;
import codex.protocol.Addresses;
import codex.protocol.BusCodecs;
import codex.protocol.BusRequests;
import codex.protocol.SandboxMessages;
import codex.protocol.SandboxMessages.ApplyPatch;
import codex.protocol.SandboxMessages.Cancel;
import codex.protocol.SandboxMessages.ExecCommand;
import codex.protocol.SandboxMessages.ExecFinished;
import codex.protocol.SandboxMessages.OutputChunk;
import codex.protocol.SandboxMessages.PatchApplied;
import codex.protocol.SandboxMessages.PatchPlan;
import codex.protocol.SandboxMessages.PlanPatch;
import codex.protocol.SandboxPermission;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Thin adapter: serves {@link Addresses#SANDBOX_EXEC}, {@link Addresses#SANDBOX_CANCEL},
 * {@link Addresses#SANDBOX_PLAN_PATCH} and
 * {@link Addresses#SANDBOX_APPLY_PATCH}. The executor does its blocking work on its own
 * threads; patches are applied on a worker thread. Output is decoded as UTF-8 per stream (a
 * character cut between two reads is held back) and sent to the caller's output address.
 */
public class SandboxVerticle extends VerticleBase {
    private final Supplier<CommandExecutor> executorFactory;
    private final Map<String, ExecHandle> running = new ConcurrentHashMap<>();
    /** Commands whose start is on a worker right now, and those of them cancelled meanwhile (event loop only). */
    private final java.util.Set<String> starting = new java.util.HashSet<>();
    private final java.util.Set<String> cancelledWhileStartingIds = new java.util.HashSet<>();
    /** Commands by session and call id, running or recently finished, for attaching (event loop only). */
    private final CommandJournal journal = new CommandJournal();
    /** Streams of agents attached to a running command, by the command's exec id (read from executor threads). */
    private final Map<String, java.util.List<Attached>> attached = new ConcurrentHashMap<>();
    /** An attacher's own exec id -> the command's (an interrupt there cancels it). */
    private final Map<String, String> attachIds = new ConcurrentHashMap<>();

    private record Attached(String attachId, ChunkStream stream) { }
    private CommandExecutor executor;
    private final Supplier<ShellSnapshots.Settings> snapshotSettings;
    private ShellSnapshots snapshots;

    public SandboxVerticle() {
        this(SandboxedExecutor::new);
    }

    public SandboxVerticle(Supplier<CommandExecutor> executorFactory) {
        this(executorFactory, () -> ShellSnapshots.Settings.defaults(System.getenv()));
    }

    /** @param shellSnapshots false: every command runs exactly as asked (no {@link ShellSnapshots shell snapshot}) */
    public SandboxVerticle(Supplier<CommandExecutor> executorFactory, boolean shellSnapshots) {
        this(executorFactory, () -> new ShellSnapshots.Settings(shellSnapshots,
                ShellSnapshots.Settings.defaults(System.getenv()).directory()));
    }

    /**
     * @param snapshotSettings whether and where {@code bash -lc} / {@code zsh -lc} commands run with a
     *                         {@link ShellSnapshots shell snapshot}; called on a worker (it may read config.toml)
     */
    public SandboxVerticle(Supplier<CommandExecutor> executorFactory, Supplier<ShellSnapshots.Settings> snapshotSettings) {
        this.executorFactory = executorFactory;
        this.snapshotSettings = snapshotSettings;
    }

    @Override
    public Future<?> start() {
        // loading JNA and probing the kernel (a throwaway restricted thread) is blocking work
        return vertx.executeBlocking(() -> {
            CommandExecutor created = executorFactory.get();
            ShellSnapshots.Settings settings = snapshotSettings.get();
            executor = created;
            snapshots = new ShellSnapshots(r -> created.start(r, OutputListener.NONE).result().join(), settings);
            return created;
        }).compose(created -> registerConsumers());
    }

    private Future<?> registerConsumers() {
        BusCodecs.register(vertx);
        var bus = vertx.eventBus();
        return Future.all(
                codex.protocol.ServicePing.answer(vertx, "sandbox"),
                bus.consumer(Addresses.SANDBOX_EXEC, this::exec).completion(),
                bus.consumer(Addresses.SANDBOX_ATTACH, this::attach).completion(),
                bus.consumer(Addresses.SANDBOX_CANCEL, msg -> {
                    String execId = BusRequests.body(msg.body(), Cancel.class).execId();
                    if (execId == null) {
                        return; // names no command: nothing to cancel
                    }
                    execId = attachIds.getOrDefault(execId, execId);
                    ExecHandle h = running.get(execId);
                    if (h != null) {
                        h.cancel();
                    } else if (starting.contains(execId)) {
                        cancelledWhileStartingIds.add(execId);
                    }
                }).completion(),
                bus.consumer(Addresses.SANDBOX_APPLY_PATCH, this::applyPatch).completion(),
                bus.consumer(Addresses.SANDBOX_PLAN_PATCH, this::planPatch).completion());
    }

    private void exec(Message<Object> msg) {
        codex.protocol.StepTrace.mark("sandbox-received");
        ExecCommand cmd;
        ExecRequest request;
        try {
            cmd = BusRequests.body(msg.body(), ExecCommand.class);
            request = toRequest(cmd);
        } catch (RuntimeException e) {
            JsonObject asSent = BusRequests.asJson(msg.body());
            msg.reply(failedToStart(asSent == null ? null : asSent.getString("exec_id"),
                    "invalid command request: " + e.getMessage()));
            return;
        }
        Context context = vertx.getOrCreateContext();
        Utf8StreamDecoder out = new Utf8StreamDecoder();
        Utf8StreamDecoder err = new Utf8StreamDecoder();
        ChunkStream chunks = cmd.outputAddress() == null ? null : new ChunkStream(vertx, cmd.outputAddress());
        CommandJournal.Key key = cmd.sessionId() != null && cmd.callId() != null
                ? new CommandJournal.Key(cmd.sessionId(), cmd.callId()) : null;
        OutputListener listener = chunks == null && key == null ? OutputListener.NONE : (stream, chunk) -> {
            Utf8StreamDecoder decoder = stream == OutputListener.Stream.STDOUT ? out : err;
            String text = decoder.decode(chunk);
            if (!text.isEmpty()) {
                String name = stream == OutputListener.Stream.STDOUT ? "stdout" : "stderr";
                // who is attached is read before the owner is sent the chunk: an agent that attached after
                // seeing it (from the owner's stream, or its log) is not sent it again
                List<Attached> attachedNow = List.copyOf(attached.getOrDefault(cmd.execId(), List.of()));
                if (chunks != null) {
                    chunks.send(new OutputChunk(cmd.execId(), name, text));
                }
                for (Attached a : attachedNow) {
                    a.stream().send(new OutputChunk(a.attachId(), name, text));
                }
            }
        };
        if (key != null) {
            // known from now on: an agent that takes the session over attaches instead of running it again
            journal.started(key, cmd.execId(), System.currentTimeMillis());
        }
        if (chunks != null && vertx.isClustered()) {
            // first on the stream: the caller learns which node runs the command (and loses it with the node);
            // in one JVM the sandbox cannot leave alone, and the notice would cost every command a round trip
            chunks.send(SandboxMessages.ExecStarted.of(cmd.execId(), nodeId()));
        }
        starting.add(cmd.execId());
        startCommand(request, listener).onComplete(started -> {
            codex.protocol.StepTrace.mark("sandbox-start-seen");
            starting.remove(cmd.execId());
            boolean cancelledWhileStarting = cancelledWhileStartingIds.remove(cmd.execId());
            if (started.failed()) {
                ExecFinished failed = failedToStart(cmd.execId(), started.cause().getMessage());
                finishedInJournal(key, cmd.execId(), failed);
                msg.reply(failed);
                return;
            }
            ExecHandle handle = started.result();
            running.put(cmd.execId(), handle);
            if (cancelledWhileStarting) {
                handle.cancel();
            }
            handle.result().whenComplete((result, failure) -> codex.protocol.StepTrace.mark("sandbox-result"))
                    .whenComplete((result, failure) -> context.runOnContext(v -> (chunks == null
                    ? Future.<Void>succeededFuture() : chunks.drained()).onComplete(drained -> {
                // the result goes after the output it summarises
                codex.protocol.StepTrace.mark("sandbox-reply");
                running.remove(cmd.execId());
                ExecFinished finished = failure != null ? failedToStart(cmd.execId(), (failure
                        instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                        ? failure.getCause() : failure).getMessage())
                        : new ExecFinished(cmd.execId(), result.exitCode(), result.signal(),
                        result.timedOut(), result.cancelled(), result.durationMs(), result.stdout(), result.stderr(),
                        result.droppedBytes(), result.sandboxDenied(), null);
                finishedInJournal(key, cmd.execId(), finished);
                msg.reply(finished);
            })));
        });
    }

    /**
     * Prepared (shell snapshot) and started on the executor's own thread when it can: one thread hand-off
     * fewer per command; else on a worker (preparing resolves paths, calls into libc, may run a capture).
     */
    private Future<ExecHandle> startCommand(ExecRequest request, OutputListener listener) {
        java.util.function.UnaryOperator<ExecRequest> prepare = r -> {
            codex.protocol.StepTrace.mark("sandbox-worker");
            ExecRequest prepared = snapshots.prepare(r);
            codex.protocol.StepTrace.mark("sandbox-prepared");
            return prepared;
        };
        try {
            java.util.Optional<ExecHandle> detached = executor.startWithoutBlocking(request, prepare, listener);
            if (detached.isPresent()) {
                return Future.succeededFuture(detached.get());
            }
        } catch (RuntimeException e) {
            return Future.failedFuture(e);
        }
        return vertx.executeBlocking(() -> {
            ExecHandle h = executor.start(prepare.apply(request), listener);
            codex.protocol.StepTrace.mark("sandbox-started");
            return h;
        }, false);
    }

    /** The result is kept for attachers; those attached now get it after the output they were sent. */
    private void finishedInJournal(CommandJournal.Key key, String execId, ExecFinished finished) {
        if (key != null) {
            journal.finished(key, finished, System.currentTimeMillis());
        }
        attached.remove(execId);
    }

    /**
     * An agent that took a session over asks for a command by its call: the result at once when it
     * finished, else its further output and then the result; "unknown" when it never ran here.
     */
    private void attach(Message<Object> msg) {
        SandboxMessages.AttachExec req = BusRequests.decode(msg, SandboxMessages.AttachExec.class);
        if (req == null) {
            return;
        }
        CommandJournal.Key key = new CommandJournal.Key(req.sessionId(), req.callId());
        ChunkStream stream = req.outputAddress() == null ? null : new ChunkStream(vertx, req.outputAddress());
        CommandJournal.Found found = journal.attach(key, result -> {
            attachIds.remove(req.execId());
            (stream == null ? Future.<Void>succeededFuture() : stream.drained()).onComplete(drained ->
                    msg.reply(new SandboxMessages.ExecAttached(true, result)));
        }, System.currentTimeMillis());
        if (found instanceof CommandJournal.Unknown) {
            msg.reply(new SandboxMessages.ExecAttached(false, null));
        } else if (found instanceof CommandJournal.Finished f) {
            msg.reply(new SandboxMessages.ExecAttached(true, f.result()));
        } else if (found instanceof CommandJournal.Running r) {
            attachIds.put(req.execId(), r.execId());
            if (stream != null) {
                if (vertx.isClustered()) {
                    stream.send(SandboxMessages.ExecStarted.of(req.execId(), nodeId()));
                }
                attached.computeIfAbsent(r.execId(), id -> new java.util.concurrent.CopyOnWriteArrayList<>())
                        .add(new Attached(req.execId(), stream));
            }
        }
    }

    /** This process's cluster node id, "local" when not clustered (where the sandbox cannot die alone). */
    private String nodeId() {
        return vertx instanceof io.vertx.core.internal.VertxInternal internal && vertx.isClustered()
                ? internal.clusterManager().getNodeId() : "local";
    }

    private static final List<SandboxPermission> UNRESTRICTED = List.of(
            SandboxPermission.of(SandboxPermission.Kind.DISK_FULL_READ_ACCESS),
            SandboxPermission.of(SandboxPermission.Kind.DISK_FULL_WRITE_ACCESS),
            SandboxPermission.of(SandboxPermission.Kind.NETWORK_FULL_ACCESS));

    static ExecRequest toRequest(ExecCommand cmd) {
        if (cmd.argv() == null || cmd.argv().isEmpty()) {
            throw new IllegalArgumentException("argv is empty");
        }
        Path cwd = Path.of(cmd.cwd() == null ? System.getProperty("user.dir") : cmd.cwd());
        Map<String, String> env = new LinkedHashMap<>(EnvPolicy.childEnvironment());
        if (cmd.extraEnv() != null) {
            env.putAll(cmd.extraEnv());
        }
        // ExecCommand itself refuses a request with neither permissions nor unrestricted
        List<SandboxPermission> perms = cmd.unrestricted() ? UNRESTRICTED : SandboxPermission.parseAll(cmd.permissions());
        long timeout = cmd.timeoutMs() > 0 ? cmd.timeoutMs() : ExecRequest.DEFAULT_TIMEOUT_MS;
        int cap = cmd.maxOutputBytes() > 0 ? cmd.maxOutputBytes() : ExecRequest.DEFAULT_MAX_OUTPUT_BYTES;
        return new ExecRequest(cmd.argv(), cwd, env, timeout, perms, cap, false);
    }

    private static ExecFinished failedToStart(String execId, String error) {
        return new ExecFinished(execId, 127, 0, false, false, 0, "", "", 0, false,
                error == null ? "the command could not be started" : error);
    }

    private void applyPatch(Message<Object> msg) {
        ApplyPatch req;
        try {
            req = BusRequests.body(msg.body(), ApplyPatch.class);
        } catch (RuntimeException e) {
            msg.reply(new PatchApplied(false, "", "invalid apply_patch request: " + e.getMessage()));
            return;
        }
        vertx.executeBlocking(() -> {
            // ApplyPatch itself refuses a request with neither writable_roots nor unrestricted
            List<Path> roots = req.unrestricted() ? null : req.writableRoots().stream().map(Path::of).toList();
            ApplyResult result = PatchApplier.apply(req.patch(), Path.of(req.cwd()), roots);
            return result.succeeded()
                    ? new PatchApplied(true, result.summary(), null)
                    : new PatchApplied(false, "", result.failureReport());
        }, false).onComplete(ar -> msg.reply(ar.succeeded() ? ar.result()
                : new PatchApplied(false, "", "apply_patch failed: " + ar.cause().getMessage())));
    }

    private void planPatch(Message<Object> msg) {
        PlanPatch req;
        try {
            req = BusRequests.body(msg.body(), PlanPatch.class);
        } catch (RuntimeException e) {
            msg.reply(new PatchPlan(false, Map.of(), List.of(), "invalid plan_patch request: " + e.getMessage()));
            return;
        }
        vertx.executeBlocking(() -> PatchPlans.plan(req.patch(), Path.of(req.cwd())), false)
                .onComplete(ar -> msg.reply(ar.succeeded() ? ar.result()
                        : new PatchPlan(false, Map.of(), List.of(), "could not plan the patch: " + ar.cause().getMessage())));
    }

    @Override
    public Future<?> stop() {
        running.values().forEach(ExecHandle::cancel);
        ShellSnapshots own = snapshots;
        return own == null ? Future.succeededFuture() : vertx.executeBlocking(() -> {
            own.close(); // deletes this service's snapshot files
            return null;
        });
    }
}

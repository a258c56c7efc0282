package codex.agent;

import codex.agent.model.ModelClient;
import codex.agent.model.ModelEvent;
import codex.agent.model.ModelRequest;
import codex.agent.model.ModelResponse;
import codex.agent.tools.ApplyPatchTool;
import codex.agent.tools.ShellCall;
import codex.execpolicy.ApprovalRules;
import codex.execpolicy.CommandDecision;
import codex.execpolicy.FailureDecision;
import codex.execpolicy.PatchDecision;
import codex.execpolicy.ReviewDecision;
import codex.execpolicy.WritableRoots;
import codex.patch.ApplyPatchInvocation;
import codex.protocol.ApprovalPolicy;
import codex.protocol.SandboxMessages.ApplyPatch;
import codex.protocol.SandboxMessages.PatchApplied;
import codex.protocol.SandboxMessages.PlanPatch;
import codex.protocol.SandboxPermission;
import codex.agent.tools.ToolOutputFormatter;
import codex.protocol.Event;
import codex.protocol.EventMsg;
import codex.protocol.SandboxMessages.ExecCommand;
import codex.protocol.SandboxMessages.ExecFinished;
import codex.protocol.ReasoningSummary;
import codex.protocol.SessionConfig;
import codex.protocol.Submission;
import codex.protocol.Submission.Op;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * One conversation: the turn loop. Asks the model, runs the tools it calls (through the
 * sandbox-service), feeds results back, and loops until a response has no tool calls. All
 * methods run on one event loop (the owning verticle's), so state needs no locks.
 */
public final class AgentSession {

    /** What the session tells the outside world besides events (notify program, session log). */
    public interface Hooks {
        /** A turn finished normally. */
        default void turnCompleted(String turnId, List<String> inputMessages, String lastAssistantMessage) {
        }

        /** An item joined the conversation history (in Responses-API item form). */
        default void itemAdded(JsonObject item) {
        }

        /** A good moment to make everything so far durable: a turn boundary or a wait for approval. */
        default void checkpoint() {
        }

        /** The server-side id of the last response (for previous_response_id after a resume). */
        default void responseStored(String responseId) {
        }
    }

    /** Where a resumed session picks up: its history, last event seq and last stored response. */
    public record ResumeState(List<JsonObject> history, long lastSeq, String lastResponseId) {
        public static final ResumeState NEW = new ResumeState(List.of(), 0, null);
    }

    private final String sessionId;
    private SessionConfig config;
    private final ModelClient model;
    private final SandboxGateway sandbox;
    private final EventSink sink;
    private final Hooks hooks;
    private final List<JsonObject> history = new ArrayList<>();
    private final Deque<PendingInput> queued = new ArrayDeque<>();
    private long seq;
    private Turn current;
    private final Map<String, String> env;
    /** previous_response_id bookkeeping: the last stored response and how much history it covers. */
    private String lastResponseId;
    private int historyCoveredByLastResponse;
    /** Commands the user approved "for the session" (exact argv). */
    private final Set<List<String>> approvedCommands = new HashSet<>();
    /** Folders under which the user approved patches "for the session". */
    private final List<Path> approvedPatchRoots = new ArrayList<>();

    private record PendingInput(String submissionId, String text) { }

    /** State of the running turn. */
    private static final class Turn {
        final String id = UUID.randomUUID().toString();
        final String submissionId;
        final List<String> inputs = new ArrayList<>();
        String lastAgentMessage;
        boolean interrupted;
        String runningExecId;
        final Map<String, Promise<String>> pendingApprovals = new HashMap<>();

        Turn(String submissionId) {
            this.submissionId = submissionId;
        }
    }

    public AgentSession(String sessionId, SessionConfig config, ModelClient model, SandboxGateway sandbox,
                        EventSink sink, Hooks hooks, Map<String, String> env, ResumeState resume) {
        this.sessionId = sessionId;
        this.config = config;
        this.model = model;
        this.sandbox = sandbox;
        this.sink = sink;
        this.hooks = hooks;
        this.env = env;
        this.seq = resume.lastSeq();
        if (!resume.history().isEmpty()) {
            history.addAll(resume.history());
            // a resumed session sends its whole history once; the server may have forgotten the old response
            lastResponseId = null;
            closeDanglingCalls("the session ended (the process stopped) before this call finished");
        } else {
            if (config.userInstructions() != null && !config.userInstructions().isBlank()) {
                addToHistory(Prompts.userInstructions(config.userInstructions()));
            }
            addToHistory(Prompts.environmentContext(config));
        }
    }

    private void addToHistory(JsonObject item) {
        history.add(item);
        hooks.itemAdded(item);
    }

    public String id() {
        return sessionId;
    }

    public SessionConfig config() {
        return config;
    }

    public List<JsonObject> history() {
        return List.copyOf(history);
    }

    public long lastSeq() {
        return seq;
    }

    public void announce(boolean resumed) {
        emit(null, null, new EventMsg.SessionConfigured(sessionId, config.model(),
                config.provider() == null ? null : config.provider().id(), config.cwd(), config.approvalPolicy().wireName,
                config.sandboxPermissions(), resumed));
    }

    /** Handles one submission; returns quickly (a turn runs on in the background). */
    public void submit(Submission submission) {
        Op op = submission.op();
        if (op instanceof Op.UserInput input) {
            String text = input.joinedText();
            if (current == null) {
                startTurn(submission.id(), text);
            } else {
                queued.addLast(new PendingInput(submission.id(), text));
            }
        } else if (op instanceof Op.Interrupt) {
            interrupt();
        } else if (op instanceof Op.ExecApproval a) {
            answerApproval(a.callId(), a.decision());
        } else if (op instanceof Op.PatchApproval a) {
            answerApproval(a.callId(), a.decision());
        } else if (op instanceof Op.ConfigureSession c) {
            this.config = c.config();
            announce(false);
        } else if (op instanceof Op.Shutdown) {
            interrupt();
            emit(null, submission.id(), new EventMsg.ShutdownComplete());
        }
    }

    public void interrupt() {
        Turn turn = current;
        if (turn == null) {
            return;
        }
        turn.interrupted = true;
        model.cancel();
        if (turn.runningExecId != null) {
            sandbox.cancel(turn.runningExecId);
        }
        List<Promise<String>> waiting = new ArrayList<>(turn.pendingApprovals.values());
        turn.pendingApprovals.clear();
        waiting.forEach(p -> p.tryFail("interrupted"));
    }

    private void answerApproval(String callId, String decision) {
        if (current == null) {
            return;
        }
        Promise<String> p = current.pendingApprovals.remove(callId);
        if (p != null) {
            p.tryComplete(decision);
        }
    }

    // ---- the turn loop ------------------------------------------------------------------

    private void startTurn(String submissionId, String text) {
        Turn turn = new Turn(submissionId);
        current = turn;
        turn.inputs.add(text);
        emit(turn, new EventMsg.TaskStarted());
        addToHistory(Prompts.userMessage(text));
        step(turn).onComplete(ar -> {
            if (ar.succeeded()) {
                emit(turn, new EventMsg.TaskComplete(turn.lastAgentMessage));
                hooks.turnCompleted(turn.id, List.copyOf(turn.inputs), turn.lastAgentMessage);
            } else if (turn.interrupted) {
                closeDanglingCalls("interrupted by the user before this call finished");
                emit(turn, new EventMsg.TurnAborted("interrupted"));
            } else if (ar.cause() instanceof TurnAbortedByUser) {
                closeDanglingCalls("the user aborted the turn; this call did not run");
                emit(turn, new EventMsg.TurnAborted("aborted_by_user"));
            } else {
                closeDanglingCalls("the turn failed before this call finished");
                emit(turn, new EventMsg.Error(messageOf(ar.cause())));
                emit(turn, new EventMsg.TurnAborted("error"));
            }
            current = null;
            hooks.checkpoint();
            PendingInput next = queued.pollFirst();
            if (next != null) {
                startTurn(next.submissionId(), next.text());
            }
        });
    }

    /**
     * Every function_call in the history needs an output, or the next request is rejected by the
     * server; a call cut short (interrupt, abort, crash) gets one that says so.
     */
    private void closeDanglingCalls(String why) {
        Set<String> answered = new HashSet<>();
        for (JsonObject item : history) {
            if ("function_call_output".equals(item.getString("type"))) {
                answered.add(item.getString("call_id"));
            }
        }
        List<String> dangling = new ArrayList<>();
        for (JsonObject item : history) {
            if ("function_call".equals(item.getString("type")) && !answered.contains(item.getString("call_id"))) {
                dangling.add(item.getString("call_id"));
            }
        }
        for (String callId : dangling) {
            addToHistory(new JsonObject().put("type", "function_call_output").put("call_id", callId)
                    .put("output", ToolOutputFormatter.commandOutput("", why, -1, 0, false, 0)));
        }
    }

    /** The user answered "abort": the turn ends at once. */
    static final class TurnAbortedByUser extends RuntimeException {
        TurnAbortedByUser() {
            super("aborted by the user", null, false, false);
        }
    }

    private Future<Void> step(Turn turn) {
        if (turn.interrupted) {
            return Future.failedFuture("interrupted");
        }
        boolean chained = usesServerSideHistory() && lastResponseId != null;
        return callModel(turn, chained).recover(err -> {
            if (chained && PreviousResponse.isGone(err)) {
                // the server forgot the stored response: send everything again
                emit(turn, new EventMsg.BackgroundEvent("the server no longer has the previous response; "
                        + "sending the full conversation"));
                lastResponseId = null;
                return callModel(turn, false);
            }
            return Future.failedFuture(err);
        }).compose(response -> afterResponse(turn, response));
    }

    /** Responses API with storage allowed: send only new items after previous_response_id. */
    private boolean usesServerSideHistory() {
        return !config.disableResponseStorage() && config.provider() != null
                && "responses".equals(config.provider().wireApi());
    }

    private Future<ModelResponse> callModel(Turn turn, boolean chained) {
        List<JsonObject> input = chained
                ? List.copyOf(history.subList(historyCoveredByLastResponse, history.size()))
                : List.copyOf(history);
        boolean store = !config.disableResponseStorage();
        ModelRequest request = new ModelRequest(config.model(), Prompts.baseInstructions(config), input,
                new JsonArray().add(ShellCall.toolSpec()).add(ApplyPatchTool.toolSpec()), store,
                chained ? lastResponseId : null, reasoning(),
                store ? List.of() : List.of("reasoning.encrypted_content"), sessionId);
        Consumer<ModelEvent> onEvent = e -> {
            if (e instanceof ModelEvent.TextDelta d && !d.delta().isEmpty()) {
                emit(turn, new EventMsg.AgentMessageDelta(d.delta()));
            }
        };
        return model.stream(request, onEvent, notice -> emit(turn, new EventMsg.BackgroundEvent(notice)));
    }

    private JsonObject reasoning() {
        if (config.reasoningEffort() == null && config.reasoningSummary() == null) {
            return null;
        }
        JsonObject r = new JsonObject();
        if (config.reasoningEffort() != null) {
            r.put("effort", config.reasoningEffort().wireName);
        }
        if (config.reasoningSummary() != null && config.reasoningSummary() != ReasoningSummary.NONE) {
            r.put("summary", config.reasoningSummary().wireName);
        }
        return r;
    }

    private Future<Void> afterResponse(Turn turn, ModelResponse response) {
        if (response.usage() != null) {
            var u = response.usage();
            emit(turn, new EventMsg.TokenCount(u.inputTokens(), u.cachedInputTokens(), u.outputTokens(),
                    u.reasoningOutputTokens(), u.totalTokens()));
        }
        List<JsonObject> calls = new ArrayList<>();
        for (JsonObject item : response.items()) {
            String type = item.getString("type", "");
            switch (type) {
                case "message" -> {
                    String text = messageText(item);
                    if (!text.isEmpty()) {
                        turn.lastAgentMessage = text;
                        emit(turn, new EventMsg.AgentMessage(text));
                    }
                }
                case "reasoning" -> {
                    String summary = reasoningSummary(item);
                    if (!summary.isEmpty()) {
                        emit(turn, new EventMsg.AgentReasoning(summary));
                    }
                }
                case "function_call" -> calls.add(item);
                default -> { }
            }
            addToHistory(forHistory(item));
        }
        if (usesServerSideHistory() && response.responseId() != null) {
            lastResponseId = response.responseId();
            historyCoveredByLastResponse = history.size();
            hooks.responseStored(lastResponseId);
        }
        if (calls.isEmpty()) {
            return Future.succeededFuture();
        }
        hooks.checkpoint(); // the model's request is durable before its commands run
        return runCalls(turn, calls, 0).compose(v -> step(turn));
    }

    private Future<Void> runCalls(Turn turn, List<JsonObject> calls, int index) {
        if (index >= calls.size()) {
            return Future.succeededFuture();
        }
        if (turn.interrupted) {
            return Future.failedFuture("interrupted");
        }
        JsonObject call = calls.get(index);
        String callId = call.getString("call_id", call.getString("id", UUID.randomUUID().toString()));
        return handleCall(turn, callId, call.getString("name", ""), call.getString("arguments", "{}"))
                .compose(output -> {
                    addToHistory(new JsonObject().put("type", "function_call_output").put("call_id", callId)
                            .put("output", output));
                    return runCalls(turn, calls, index + 1);
                });
    }

    private Future<String> handleCall(Turn turn, String callId, String name, String arguments) {
        if ("apply_patch".equals(name)) {
            String patch;
            try {
                patch = ApplyPatchTool.parseInput(arguments);
            } catch (IllegalArgumentException e) {
                return Future.succeededFuture(e.getMessage());
            }
            return runPatch(turn, callId, patch, Path.of(config.cwd()));
        }
        if (!"shell".equals(name)) {
            return Future.succeededFuture("unsupported call: " + name + " (the available tools are `shell` and `apply_patch`)");
        }
        ShellCall call;
        try {
            call = ShellCall.parse(arguments);
        } catch (IllegalArgumentException e) {
            return Future.succeededFuture(e.getMessage());
        }
        Optional<ApplyPatchInvocation> patch = ApplyPatchInvocation.detect(call.command());
        if (patch.isPresent()) {
            Path cwd = patch.get().resolveWorkdir(Path.of(resolveCwd(call.workdir())));
            return runPatch(turn, callId, patch.get().patchText(), cwd);
        }
        return runCommand(turn, callId, call);
    }

    // ---- commands under the approval policy ------------------------------------------------

    private Future<String> runCommand(Turn turn, String callId, ShellCall call) {
        ApprovalPolicy policy = policy();
        boolean approvedBefore = approvedCommands.contains(call.command());
        if (approvedBefore) {
            // the user said "for the rest of the session": no question, and no sandbox, as when first approved
            return runShell(turn, callId, call, false).map(CommandRun::modelOutput);
        }
        CommandDecision decision = ApprovalRules.forCommand(policy, call.command(), false);
        if (decision == CommandDecision.RUN_SANDBOXED) {
            return runShell(turn, callId, call, true)
                    .compose(result -> afterSandboxedRun(turn, callId, call, policy, result));
        }
        String cwd = resolveCwd(call.workdir());
        return askUser(turn, callId, new EventMsg.ExecApprovalRequest(callId, call.command(), cwd,
                "approval policy " + policy.wireName + ": this command is not on the known-safe list; if approved it runs "
                        + "without the sandbox"))
                .compose(review -> switch (review) {
                    case APPROVED_FOR_SESSION -> {
                        approvedCommands.add(call.command());
                        yield runShell(turn, callId, call, false).map(CommandRun::modelOutput);
                    }
                    case APPROVED -> runShell(turn, callId, call, false).map(CommandRun::modelOutput);
                    case DENIED -> Future.succeededFuture(
                            "exec command rejected by user: do not run it again; ask the user or try another way");
                    case ABORT -> Future.failedFuture(new TurnAbortedByUser());
                });
    }

    private Future<String> afterSandboxedRun(Turn turn, String callId, ShellCall call, ApprovalPolicy policy,
                                             CommandRun first) {
        if (first.succeeded() || ApprovalRules.afterSandboxFailure(policy, first.sandboxDenied())
                != FailureDecision.ASK_RETRY_WITHOUT_SANDBOX) {
            return Future.succeededFuture(first.modelOutput());
        }
        String cwd = resolveCwd(call.workdir());
        return askUser(turn, callId, new EventMsg.ExecApprovalRequest(callId, call.command(), cwd,
                "the command failed in the sandbox (it looks like the sandbox refused it); run it again without the sandbox?"))
                .compose(review -> switch (review) {
                    case APPROVED, APPROVED_FOR_SESSION -> {
                        if (review == ReviewDecision.APPROVED_FOR_SESSION) {
                            approvedCommands.add(call.command());
                        }
                        yield runShell(turn, callId, call, false).map(CommandRun::modelOutput);
                    }
                    case DENIED -> Future.succeededFuture(first.modelOutput());
                    case ABORT -> Future.failedFuture(new TurnAbortedByUser());
                });
    }

    /** What one run of a command left: enough for the policy and for the model. */
    record CommandRun(boolean succeeded, boolean sandboxDenied, String modelOutput) { }

    // ---- patches under the approval policy -------------------------------------------------

    private Future<String> runPatch(Turn turn, String callId, String patchText, Path cwd) {
        return sandbox.planPatch(new PlanPatch(patchText, cwd.toString())).compose(plan -> {
            if (!plan.ok()) {
                return Future.succeededFuture(patchOutput("apply_patch verification failed: " + plan.error(), 1));
            }
            ApprovalPolicy policy = policy();
            List<Path> touched = plan.touchedPaths().stream().map(Path::of).toList();
            WritableRoots roots = ApprovalRules.writableRoots(permissions(), Path.of(config.cwd()), env);
            PatchDecision decision = ApprovalRules.forPatch(policy, touched, roots, approvedPatchRoots);
            List<String> restrictTo = roots.everything() ? null : roots.roots().stream().map(Path::toString).toList();
            return switch (decision) {
                case APPLY -> applyPatch(turn, callId, patchText, cwd, plan.changes(), true,
                        approvedPatchRoots.isEmpty() ? restrictTo : null);
                case REJECT -> Future.succeededFuture(patchOutput("patch rejected: " + patchReason(policy, touched, roots)
                        + "; the approval policy is never, so nobody can approve it; "
                        + "keep edits inside " + (restrictTo == null ? "the workspace" : String.join(", ", restrictTo)), 1));
                case ASK_USER -> askUser(turn, callId, new EventMsg.ApplyPatchApprovalRequest(callId, plan.changes(),
                        patchReason(policy, touched, roots), null))
                        .compose(review -> switch (review) {
                            case APPROVED_FOR_SESSION -> {
                                approvedPatchRoots.addAll(ApprovalRules.sessionRootsForPatch(touched));
                                yield applyPatch(turn, callId, patchText, cwd, plan.changes(), false, null);
                            }
                            case APPROVED -> applyPatch(turn, callId, patchText, cwd, plan.changes(), false, null);
                            case DENIED -> Future.succeededFuture(patchOutput(
                                    "patch rejected by user: do not apply it again; ask the user what to change", 1));
                            case ABORT -> Future.failedFuture(new TurnAbortedByUser());
                        });
            };
        }, err -> Future.succeededFuture(patchOutput("the sandbox could not check the patch: " + messageOf(err), 1)));
    }

    private String patchReason(ApprovalPolicy policy, List<Path> touched, WritableRoots roots) {
        String gitPaths = touched.stream().filter(ApprovalRules::isGitMetadata).map(Path::toString)
                .reduce((a, b) -> a + ", " + b).orElse("");
        if (!gitPaths.isEmpty() && !roots.everything()) {
            return "the patch edits repository metadata (.git), which git runs code from: " + gitPaths;
        }
        String outside = outsidePaths(touched, roots);
        return outside.isEmpty() ? "approval policy " + policy.wireName + " asks before every patch"
                : "the patch writes outside the writable folders: " + outside;
    }

    private static String outsidePaths(List<Path> touched, WritableRoots roots) {
        return touched.stream().filter(p -> !roots.isWritable(p)).map(Path::toString)
                .reduce((a, b) -> a + ", " + b).orElse("");
    }

    private Future<String> applyPatch(Turn turn, String callId, String patchText, Path cwd,
                                      Map<String, EventMsg.FileChange> changes, boolean autoApproved, List<String> roots) {
        emit(turn, new EventMsg.PatchApplyBegin(callId, autoApproved, changes));
        long started = System.nanoTime();
        return sandbox.applyPatch(new ApplyPatch(patchText, cwd.toString(), roots))
                .transform(ar -> {
                    PatchApplied result = ar.succeeded() ? ar.result()
                            : new PatchApplied(false, "", "the sandbox could not apply the patch: " + messageOf(ar.cause()));
                    emit(turn, new EventMsg.PatchApplyEnd(callId, result.stdout(),
                            result.error() == null ? "" : result.error(), result.success()));
                    long ms = (System.nanoTime() - started) / 1_000_000;
                    return Future.succeededFuture(result.success()
                            ? ToolOutputFormatter.commandOutput(result.stdout(), "", 0, ms, false, 0)
                            : ToolOutputFormatter.commandOutput("", result.error(), 1, ms, false, 0));
                });
    }

    private static String patchOutput(String text, int exitCode) {
        return ToolOutputFormatter.commandOutput("", text, exitCode, 0, false, 0);
    }

    // ---- approvals ----------------------------------------------------------------------

    /** Emits the request and waits for the user's answer (an interrupt fails it). */
    private Future<ReviewDecision> askUser(Turn turn, String callId, EventMsg request) {
        if (turn.interrupted) {
            return Future.failedFuture("interrupted");
        }
        Promise<String> answer = Promise.promise();
        turn.pendingApprovals.put(callId, answer);
        emit(turn, request);
        hooks.checkpoint();
        return answer.future().compose(text -> {
            try {
                return Future.succeededFuture(ReviewDecision.parse(text));
            } catch (IllegalArgumentException e) {
                emit(turn, new EventMsg.Error("unknown approval decision '" + text + "'; valid decisions are: "
                        + ReviewDecision.VALID_NAMES + ". Treating it as denied."));
                return Future.succeededFuture(ReviewDecision.DENIED);
            }
        });
    }

    private ApprovalPolicy policy() {
        return config.approvalPolicy();
    }

    private List<SandboxPermission> permissions() {
        return SandboxPermission.parseAll(config.sandboxPermissions());
    }

    private Future<CommandRun> runShell(Turn turn, String callId, ShellCall call, boolean sandboxed) {
        String cwd = resolveCwd(call.workdir());
        String execId = sessionId + "." + UUID.randomUUID();
        turn.runningExecId = execId;
        emit(turn, new EventMsg.ExecCommandBegin(callId, call.command(), cwd, sandboxed));
        List<String> permissions = sandboxed ? config.sandboxPermissions()
                : List.of("disk-full-read-access", "disk-full-write-access", "network-full-access");
        ExecCommand command = new ExecCommand(execId, call.command(), cwd, null, call.timeoutMs(), permissions,
                null, 0);
        return sandbox.exec(command, chunk -> emit(turn,
                        new EventMsg.ExecCommandOutputDelta(callId, chunk.stream(), chunk.text())))
                .transform(ar -> {
                    turn.runningExecId = null;
                    if (ar.failed()) {
                        String message = "the sandbox could not run the command: " + messageOf(ar.cause());
                        emit(turn, new EventMsg.ExecCommandEnd(callId, -1, 0, "", message, false, false));
                        return Future.succeededFuture(new CommandRun(false, false,
                                ToolOutputFormatter.commandOutput("", message, -1, 0, false, 0)));
                    }
                    ExecFinished result = ar.result();
                    emit(turn, endEvent(callId, result));
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

    private static EventMsg.ExecCommandEnd endEvent(String callId, ExecFinished r) {
        String stderr = r.error() != null ? r.error() : r.stderr();
        return new EventMsg.ExecCommandEnd(callId, r.exitCode(), r.durationMs(), r.stdout(), stderr, r.timedOut(),
                r.sandboxDenied());
    }

    private String resolveCwd(String workdir) {
        Path base = Path.of(config.cwd());
        if (workdir == null || workdir.isBlank()) {
            return base.toString();
        }
        return base.resolve(workdir).normalize().toString();
    }

    // ---- items ----------------------------------------------------------------------------

    static String messageText(JsonObject item) {
        StringBuilder sb = new StringBuilder();
        JsonArray content = item.getJsonArray("content", new JsonArray());
        for (Object o : content) {
            if (o instanceof JsonObject part) {
                String t = part.getString("type", "");
                if (t.equals("output_text") || t.equals("text") || t.equals("input_text")) {
                    sb.append(part.getString("text", ""));
                }
            }
        }
        return sb.toString();
    }

    static String reasoningSummary(JsonObject item) {
        StringBuilder sb = new StringBuilder();
        for (Object o : item.getJsonArray("summary", new JsonArray())) {
            if (o instanceof JsonObject part && part.getString("text") != null) {
                if (sb.length() > 0) {
                    sb.append("\n\n");
                }
                sb.append(part.getString("text"));
            }
        }
        return sb.toString();
    }

    /** Output items go back to the model as they came, minus server-side ids that a store=false server can't resolve. */
    private static JsonObject forHistory(JsonObject item) {
        JsonObject copy = item.copy();
        String type = copy.getString("type", "");
        if (type.equals("message") || type.equals("function_call")) {
            copy.remove("id");
            copy.remove("status");
        }
        return copy;
    }

    // ---- events ---------------------------------------------------------------------------

    private void emit(Turn turn, EventMsg msg) {
        emit(turn == null ? null : turn.id, turn == null ? null : turn.submissionId, msg);
    }

    private void emit(String turnId, String submissionId, EventMsg msg) {
        seq++;
        sink.emit(new Event(sessionId, seq, turnId, submissionId, System.currentTimeMillis(), msg));
    }

    static String messageOf(Throwable t) {
        String m = t.getMessage();
        return m == null || m.isBlank() ? t.getClass().getSimpleName() : m;
    }
}

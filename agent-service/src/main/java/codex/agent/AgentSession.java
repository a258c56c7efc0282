package codex.agent;

import codex.agent.model.ModelClient;
import codex.agent.model.ModelEvent;
import codex.agent.model.ModelRequest;
import codex.agent.model.ModelResponse;
import codex.agent.tools.ShellCall;
import codex.agent.tools.ToolOutputFormatter;
import codex.protocol.Event;
import codex.protocol.EventMsg;
import codex.protocol.SandboxMessages.ExecCommand;
import codex.protocol.SandboxMessages.ExecFinished;
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
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * One conversation: the turn loop. Asks the model, runs the tools it calls (through the
 * sandbox-service), feeds results back, and loops until a response has no tool calls. All
 * methods run on one event loop (the owning verticle's), so state needs no locks.
 */
public final class AgentSession {

    /** Hooks the session calls at turn boundaries (notify program, session log). */
    public interface TurnListener {
        void turnCompleted(String turnId, List<String> inputMessages, String lastAssistantMessage);
    }

    private final String sessionId;
    private SessionConfig config;
    private final ModelClient model;
    private final SandboxGateway sandbox;
    private final EventSink sink;
    private final TurnListener turnListener;
    private final List<JsonObject> history = new ArrayList<>();
    private final Deque<PendingInput> queued = new ArrayDeque<>();
    private long seq;
    private Turn current;

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
                        EventSink sink, TurnListener turnListener, long lastSeq, List<JsonObject> priorHistory) {
        this.sessionId = sessionId;
        this.config = config;
        this.model = model;
        this.sandbox = sandbox;
        this.sink = sink;
        this.turnListener = turnListener;
        this.seq = lastSeq;
        if (priorHistory != null && !priorHistory.isEmpty()) {
            history.addAll(priorHistory);
        } else {
            if (config.userInstructions() != null && !config.userInstructions().isBlank()) {
                history.add(Prompts.userInstructions(config.userInstructions()));
            }
            history.add(Prompts.environmentContext(config));
        }
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
                config.provider() == null ? null : config.provider().id(), config.cwd(), config.approvalPolicy(),
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
        history.add(Prompts.userMessage(text));
        step(turn).onComplete(ar -> {
            if (ar.succeeded()) {
                emit(turn, new EventMsg.TaskComplete(turn.lastAgentMessage));
                turnListener.turnCompleted(turn.id, List.copyOf(turn.inputs), turn.lastAgentMessage);
            } else if (turn.interrupted) {
                emit(turn, new EventMsg.TurnAborted("interrupted"));
            } else if (ar.cause() instanceof TurnAbortedByUser) {
                emit(turn, new EventMsg.TurnAborted("aborted_by_user"));
            } else {
                emit(turn, new EventMsg.Error(messageOf(ar.cause())));
                emit(turn, new EventMsg.TurnAborted("error"));
            }
            current = null;
            PendingInput next = queued.pollFirst();
            if (next != null) {
                startTurn(next.submissionId(), next.text());
            }
        });
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
        ModelRequest request = new ModelRequest(config.model(), Prompts.baseInstructions(config), List.copyOf(history),
                new JsonArray().add(ShellCall.toolSpec()), !config.disableResponseStorage(), null, reasoning(),
                List.of(), sessionId);
        Consumer<ModelEvent> onEvent = e -> {
            if (e instanceof ModelEvent.TextDelta d && !d.delta().isEmpty()) {
                emit(turn, new EventMsg.AgentMessageDelta(d.delta()));
            }
        };
        return model.stream(request, onEvent, notice -> emit(turn, new EventMsg.BackgroundEvent(notice)))
                .compose(response -> afterResponse(turn, response));
    }

    private JsonObject reasoning() {
        if (config.reasoningEffort() == null && config.reasoningSummary() == null) {
            return null;
        }
        JsonObject r = new JsonObject();
        if (config.reasoningEffort() != null) {
            r.put("effort", config.reasoningEffort());
        }
        if (config.reasoningSummary() != null && !"none".equals(config.reasoningSummary())) {
            r.put("summary", config.reasoningSummary());
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
            history.add(forHistory(item));
        }
        if (calls.isEmpty()) {
            return Future.succeededFuture();
        }
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
                    history.add(new JsonObject().put("type", "function_call_output").put("call_id", callId)
                            .put("output", output));
                    return runCalls(turn, calls, index + 1);
                });
    }

    private Future<String> handleCall(Turn turn, String callId, String name, String arguments) {
        if (!"shell".equals(name)) {
            return Future.succeededFuture("unsupported call: " + name + " (the available tool is `shell`)");
        }
        ShellCall call;
        try {
            call = ShellCall.parse(arguments);
        } catch (IllegalArgumentException e) {
            return Future.succeededFuture(e.getMessage());
        }
        return runShell(turn, callId, call, true);
    }

    private Future<String> runShell(Turn turn, String callId, ShellCall call, boolean sandboxed) {
        String cwd = resolveCwd(call.workdir());
        String execId = sessionId + "." + UUID.randomUUID();
        turn.runningExecId = execId;
        emit(turn, new EventMsg.ExecCommandBegin(callId, call.command(), cwd, sandboxed));
        List<String> permissions = sandboxed ? config.sandboxPermissions()
                : List.of("disk-full-read-access", "disk-full-write-access", "network-full-access");
        ExecCommand command = new ExecCommand(execId, call.command(), cwd, null, call.timeoutMs(), permissions,
                "codex.agent.exec-output." + execId, 0);
        return sandbox.exec(command, chunk -> emit(turn,
                        new EventMsg.ExecCommandOutputDelta(callId, chunk.stream(), chunk.text())))
                .transform(ar -> {
                    turn.runningExecId = null;
                    if (ar.failed()) {
                        String message = "the sandbox could not run the command: " + messageOf(ar.cause());
                        emit(turn, new EventMsg.ExecCommandEnd(callId, -1, 0, "", message, false, false));
                        return Future.succeededFuture(ToolOutputFormatter.commandOutput("", message, -1, 0, false, 0));
                    }
                    ExecFinished result = ar.result();
                    emit(turn, endEvent(callId, result));
                    if (result.error() != null) {
                        return Future.succeededFuture(
                                ToolOutputFormatter.commandOutput("", result.error(), result.exitCode(), 0, false, 0));
                    }
                    return Future.succeededFuture(ToolOutputFormatter.commandOutput(result.stdout(), result.stderr(),
                            result.exitCode(), result.durationMs(), result.timedOut(), result.droppedBytes()));
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

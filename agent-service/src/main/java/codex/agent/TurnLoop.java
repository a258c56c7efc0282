package codex.agent;

import codex.agent.model.ModelClient;
import codex.agent.model.ModelEvent;
import codex.agent.model.ModelRequest;
import codex.agent.model.ModelResponse;
import codex.agent.mcp.McpToolbox;
import codex.agent.tools.ApplyPatchTool;
import codex.agent.tools.ShellCall;
import codex.patch.ApplyPatchInvocation;
import codex.protocol.EventMsg;
import codex.protocol.ReasoningSummary;
import codex.protocol.SessionConfig;
import codex.protocol.WireApi;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * One turn: ask the model, run the tools it calls (through {@link CommandFlow} and {@link PatchFlow}),
 * feed the results back, and loop until a response has no tool calls. Ends the turn with
 * task_complete or turn_aborted (and an error), leaving no call without an output.
 */
final class TurnLoop {
    private final SessionContext session;
    private final Supplier<ModelClient> model;
    private final CommandFlow commands;
    private final PatchFlow patches;
    private final McpFlow mcpCalls;
    private final Supplier<McpToolbox> mcp;
    private final AgentSession.Hooks hooks;
    /** previous_response_id bookkeeping: the last stored response and how much history it covers. */
    private String lastResponseId;
    private int historyCoveredByLastResponse;

    TurnLoop(SessionContext session, Supplier<ModelClient> model, CommandFlow commands, PatchFlow patches,
             McpFlow mcpCalls, Supplier<McpToolbox> mcp, AgentSession.Hooks hooks, String lastResponseId) {
        this.mcpCalls = mcpCalls;
        this.mcp = mcp;
        this.session = session;
        this.model = model;
        this.commands = commands;
        this.patches = patches;
        this.hooks = hooks;
        this.lastResponseId = lastResponseId;
    }

    /** Forgets the stored response (the model client changed, or a resume sends everything once). */
    void forgetStoredResponse() {
        lastResponseId = null;
    }

    /** Runs the turn to its end; the returned future always succeeds, after the closing events. */
    Future<Void> run(Turn turn, String text) {
        return run(turn, text, List.of());
    }

    /** @param images the input's image URLs, sent to the model with the text */
    Future<Void> run(Turn turn, String text, List<String> images) {
        turn.inputs.add(text);
        session.emit(turn, new EventMsg.TaskStarted());
        session.emit(turn, new EventMsg.UserMessage(text));
        session.addToHistory(Prompts.userMessage(text, images));
        return carryOn(turn);
    }

    /**
     * Carries on a turn that another agent started (a takeover): no task_started, no new user
     * message; the history already ends where that agent stopped, every call answered.
     */
    Future<Void> carryOn(Turn turn) {
        return carryOn(turn, List.of(), null);
    }

    /**
     * A takeover's carry-on: first the commands the previous owner left running are waited for
     * through the sandbox by call id (never run again), each output joining the history; the
     * turn's other calls left without an output get {@code danglingWhy}; then the model is asked.
     */
    Future<Void> carryOn(Turn turn, List<String> runningCallIds, String danglingWhy) {
        // the first turn waits for the MCP servers to start (each bounded by its startup timeout)
        return mcp.get().ready().compose(v -> attachAll(turn, runningCallIds, 0)).compose(v -> {
            if (danglingWhy != null) {
                closeDanglingCalls(danglingWhy);
            }
            return step(turn);
        }).transform(ar -> {
            if (ar.succeeded()) {
                session.emit(turn, new EventMsg.TaskComplete(turn.lastAgentMessage));
                hooks.turnCompleted(turn.id, List.copyOf(turn.inputs), turn.lastAgentMessage);
            } else if (turn.interrupted) {
                closeDanglingCalls("interrupted by the user before this call finished");
                session.emit(turn, new EventMsg.TurnAborted("interrupted"));
            } else if (ar.cause() instanceof TurnAbortedByUser) {
                closeDanglingCalls("the user aborted the turn; this call did not run");
                session.emit(turn, new EventMsg.TurnAborted("aborted_by_user"));
            } else {
                closeDanglingCalls("the turn failed before this call finished");
                session.emit(turn, new EventMsg.Error(Items.messageOf(ar.cause())));
                session.emit(turn, new EventMsg.TurnAborted("error"));
            }
            return Future.succeededFuture();
        });
    }

    private Future<Void> attachAll(Turn turn, List<String> callIds, int index) {
        if (index >= callIds.size()) {
            return Future.succeededFuture();
        }
        if (turn.interrupted) {
            return Future.failedFuture("interrupted");
        }
        String callId = callIds.get(index);
        return commands.attach(turn, callId).compose(output -> {
            session.addToHistory(Items.callOutput(callId, output));
            return attachAll(turn, callIds, index + 1);
        });
    }

    void closeDanglingCalls(String why) {
        Items.outputsForDanglingCalls(session.history(), why).forEach(session::addToHistory);
    }

    private Future<Void> step(Turn turn) {
        if (turn.interrupted) {
            return Future.failedFuture("interrupted");
        }
        boolean chained = usesServerSideHistory() && lastResponseId != null;
        return callModel(turn, chained).recover(err -> {
            if (chained && PreviousResponse.isGone(err)) {
                session.emit(turn, new EventMsg.BackgroundEvent("the server no longer has the previous response; "
                        + "sending the full conversation"));
                lastResponseId = null;
                return callModel(turn, false);
            }
            return Future.failedFuture(err);
        }).compose(response -> afterResponse(turn, response));
    }

    /** Responses API with storage allowed: send only new items after previous_response_id. */
    private boolean usesServerSideHistory() {
        SessionConfig config = session.config();
        return !config.disableResponseStorage() && config.provider() != null
                && config.provider().wireApi() == WireApi.RESPONSES;
    }

    private Future<ModelResponse> callModel(Turn turn, boolean chained) {
        codex.protocol.StepTrace.mark("turn-call-model");
        SessionConfig config = session.config();
        List<JsonObject> history = session.history();
        List<JsonObject> input = chained ? List.copyOf(history.subList(historyCoveredByLastResponse, history.size()))
                : List.copyOf(history);
        boolean store = !config.disableResponseStorage();
        ModelRequest request = new ModelRequest(config.model(), Prompts.baseInstructions(config), input,
                new JsonArray().add(ShellCall.toolSpec(config.approvalPolicy() == codex.protocol.ApprovalPolicy.ON_REQUEST)).add(ApplyPatchTool.toolSpec())
                        .addAll(mcp.get().toolSpecs()), store,
                chained ? lastResponseId : null, reasoning(config),
                store ? List.of() : List.of("reasoning.encrypted_content"), session.sessionId());
        Consumer<ModelEvent> onEvent = e -> {
            if (e instanceof ModelEvent.TextDelta d && !d.delta().isEmpty()) {
                session.emit(turn, new EventMsg.AgentMessageDelta(d.delta()));
            }
        };
        return model.get().stream(request, onEvent, notice -> session.emit(turn, new EventMsg.BackgroundEvent(notice)));
    }

    static JsonObject reasoning(SessionConfig config) {
        if (config.reasoningEffort() == null && config.reasoningSummary() == null) {
            return null;
        }
        JsonObject r = new JsonObject();
        if (config.reasoningEffort() != null) {
            r.put("effort", config.reasoningEffort().wireName());
        }
        if (config.reasoningSummary() != null && config.reasoningSummary() != ReasoningSummary.NONE) {
            r.put("summary", config.reasoningSummary().wireName());
        }
        return r;
    }

    private Future<Void> afterResponse(Turn turn, ModelResponse response) {
        codex.protocol.StepTrace.mark("turn-response");
        if (response.usage() != null) {
            var u = response.usage();
            session.emit(turn, new EventMsg.TokenCount(u.inputTokens(), u.cachedInputTokens(), u.outputTokens(),
                    u.reasoningOutputTokens(), u.totalTokens()));
        }
        List<JsonObject> calls = new ArrayList<>();
        for (JsonObject item : response.items()) {
            switch (item.getString("type", "")) {
                case "message" -> {
                    String text = Items.messageText(item);
                    if (!text.isEmpty()) {
                        turn.lastAgentMessage = text;
                        session.emit(turn, new EventMsg.AgentMessage(text));
                    }
                }
                case "reasoning" -> {
                    String summary = Items.reasoningSummary(item);
                    if (!summary.isEmpty()) {
                        session.emit(turn, new EventMsg.AgentReasoning(summary));
                    }
                }
                case "function_call" -> calls.add(item);
                default -> { }
            }
            session.addToHistory(Items.forHistory(item));
        }
        if (usesServerSideHistory() && response.responseId() != null) {
            lastResponseId = response.responseId();
            historyCoveredByLastResponse = session.history().size();
            hooks.responseStored(lastResponseId);
        }
        if (calls.isEmpty()) {
            return Future.succeededFuture();
        }
        session.checkpoint(); // the model's request is durable before its commands run
        codex.protocol.StepTrace.mark("turn-checkpointed");
        return runCalls(turn, calls, 0).compose(v -> step(turn));
    }

    /** The calls of one response run one after another, in the order the model gave them. */
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
                    session.addToHistory(Items.callOutput(callId, output));
                    codex.protocol.StepTrace.mark("turn-output-recorded");
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
            return patches.run(turn, callId, patch, Path.of(session.config().cwd()));
        }
        if (mcpCalls.handles(name)) {
            return mcpCalls.run(turn, callId, name, arguments);
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
            Path cwd = patch.get().resolveWorkdir(Path.of(session.resolveCwd(call.workdir())));
            return patches.run(turn, callId, patch.get().patchText(), cwd);
        }
        codex.protocol.StepTrace.mark("turn-command");
        return commands.run(turn, callId, call).onComplete(ar -> codex.protocol.StepTrace.mark("turn-command-done"));
    }
}

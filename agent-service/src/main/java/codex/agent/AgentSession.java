package codex.agent;

import codex.agent.mcp.McpToolbox;
import codex.agent.mcp.McpTools;

import codex.agent.model.ModelClient;
import codex.execpolicy.SessionApprovals;
import codex.protocol.Event;
import codex.protocol.EventMsg;
import codex.protocol.SessionConfig;
import codex.protocol.Submission;
import codex.protocol.Submission.Op;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One conversation, as a thin coordinator: takes submissions, runs one {@link TurnLoop} at a time
 * (queueing user input that arrives meanwhile), routes approval answers and interrupts to the running
 * turn, and owns the history and the event sequence. Approval decisions come from exec-policy's
 * {@link SessionApprovals}. All methods run on one event loop (the owning verticle's): no locks.
 */
public final class AgentSession implements SessionContext {

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
    public record ResumeState(List<JsonObject> history, long lastSeq, String lastResponseId, OpenTurn openTurn) {
        public static final ResumeState NEW = new ResumeState(List.of(), 0, null);

        public ResumeState(List<JsonObject> history, long lastSeq, String lastResponseId) {
            this(history, lastSeq, lastResponseId, null);
        }

        /** The same, continuing after {@code seq} (events the log missed but the gateway relayed). */
        public ResumeState withLastSeq(long seq) {
            return new ResumeState(history, Math.max(lastSeq, seq), lastResponseId, openTurn);
        }
    }

    /** What a command cut off by its agent's death tells the model (the new owner does not run it again). */
    static final String LOST_WITH_ITS_AGENT = "the agent running this command stopped before its result came back;"
            + " another agent took the session over. The command was not run again and may have run to completion:"
            + " check its effects before repeating it";

    private final String sessionId;
    private SessionConfig config;
    private SessionApprovals approvals;
    private final ModelClient model;
    private final SandboxGateway sandbox;
    private final EventSink sink;
    private final Hooks hooks;
    private final List<JsonObject> history = new ArrayList<>();
    private final Deque<PendingInput> queued = new ArrayDeque<>();
    private final TurnLoop loop;
    private final McpToolbox mcp;
    private long seq;
    private Turn current;

    private record PendingInput(String submissionId, String text, List<String> images) { }

    public AgentSession(String sessionId, SessionConfig config, ModelClient model, SandboxGateway sandbox,
                        EventSink sink, Hooks hooks, Map<String, String> env, ResumeState resume) {
        this(sessionId, config, model, sandbox, sink, hooks, env, resume, McpTools.NONE);
    }

    /** With the session's MCP servers (being started): their tools join the model's, a start failure is told once. */
    public AgentSession(String sessionId, SessionConfig config, ModelClient model, SandboxGateway sandbox,
                        EventSink sink, Hooks hooks, Map<String, String> env, ResumeState resume, McpToolbox mcp) {
        this.sessionId = sessionId;
        this.mcp = mcp;
        this.config = config;
        this.approvals = new SessionApprovals(config.approvalPolicy());
        this.model = model;
        this.sandbox = sandbox;
        this.sink = sink;
        this.hooks = hooks;
        this.seq = resume.lastSeq();
        UserQuestions questions = new UserQuestions(this);
        this.loop = new TurnLoop(this, () -> this.model,
                new CommandFlow(this, () -> approvals, sandbox, questions),
                new PatchFlow(this, () -> approvals, sandbox, questions, env),
                new McpFlow(this, () -> approvals, () -> this.mcp, questions), () -> this.mcp, hooks,
                // a resumed session sends its whole history once; the server may have forgotten the old response
                null);
        if (!resume.history().isEmpty()) {
            history.addAll(resume.history());
            if (resume.openTurn() == null) {
                loop.closeDanglingCalls("the session ended (the process stopped) before this call finished");
            }
        } else {
            if (config.userInstructions() != null && !config.userInstructions().isBlank()) {
                addToHistory(Prompts.userInstructions(config.userInstructions()));
            }
            addToHistory(Prompts.environmentContext(config));
        }
    }

    public String id() {
        return sessionId;
    }

    @Override
    public String sessionId() {
        return sessionId;
    }

    @Override
    public SessionConfig config() {
        return config;
    }

    @Override
    public List<JsonObject> history() {
        return Collections.unmodifiableList(history);
    }

    public long lastSeq() {
        return seq;
    }

    public void announce(boolean resumed) {
        emit(null, null, new EventMsg.SessionConfigured(sessionId, config.model(),
                config.provider() == null ? null : config.provider().id(), config.cwd(), config.approvalPolicy().wireName(),
                config.sandboxPermissions(), resumed));
        if (!startFailuresTold) {
            startFailuresTold = true;
            mcp.ready().onComplete(ar -> mcp.startFailures().forEach(failure -> emit(null, null,
                    new EventMsg.BackgroundEvent(failure + "; the session goes on without it"))));
        }
    }

    private boolean startFailuresTold;

    /** A background_event outside any turn (e.g. "taken over by another agent"). */
    public void emitBackground(String text) {
        emit(null, null, new EventMsg.BackgroundEvent(text));
    }

    /** Stops the session's MCP servers. */
    public Future<Void> close() {
        interrupt();
        return mcp.close();
    }

    /** Handles one submission; returns quickly (a turn runs on in the background). */
    public void submit(Submission submission) {
        Op op = submission.op();
        if (op instanceof Op.UserInput input) {
            String text = input.joinedText();
            List<String> images = input.imageUrls();
            for (String image : images) {
                String refusal = Prompts.refusedImage(image);
                if (refusal != null) {
                    emit(null, submission.id(), new EventMsg.Error("input not taken: " + refusal));
                    return;
                }
            }
            if (current == null) {
                startTurn(submission.id(), text, images);
            } else {
                queued.addLast(new PendingInput(submission.id(), text, images));
            }
        } else if (op instanceof Op.Interrupt) {
            interrupt();
        } else if (op instanceof Op.ExecApproval a) {
            answerApproval(submission.id(), a.callId(), a.approvalId(), new Turn.Answer(a.decision(), a.decidedBy(), a.reason()));
        } else if (op instanceof Op.PatchApproval a) {
            answerApproval(submission.id(), a.callId(), a.approvalId(), new Turn.Answer(a.decision(), a.decidedBy(), a.reason()));
        } else if (op instanceof Op.ConfigureSession c) {
            configure(submission.id(), c.config());
        } else if (op instanceof Op.Shutdown) {
            interrupt();
            emit(null, submission.id(), new EventMsg.ShutdownComplete());
        }
    }

    /**
     * Swaps the config. The model client and the workspace belong to the session, so a different
     * provider or cwd is refused (open a new session for those); a different approval policy forgets
     * the "for the session" approvals; whatever the model was told about its environment is told again.
     */
    private void configure(String submissionId, SessionConfig next) {
        String refusal = refusalToReconfigure(config, next);
        if (refusal != null) {
            emit(null, submissionId, new EventMsg.Error(refusal));
            return;
        }
        SessionConfig previous = config;
        config = next;
        if (approvals.changePolicy(next.approvalPolicy())) {
            emit(null, submissionId, new EventMsg.BackgroundEvent("approval policy is now " + next.approvalPolicy().wireName()
                    + "; approvals given for the session were for the old policy and are forgotten"));
        }
        JsonObject context = Prompts.environmentContext(next);
        if (!context.equals(Prompts.environmentContext(previous))) {
            addToHistory(context);
        }
        announce(false);
    }

    static String refusalToReconfigure(SessionConfig current, SessionConfig next) {
        String was = current.provider() == null ? null : current.provider().id();
        String asked = next.provider() == null ? null : next.provider().id();
        if (!Objects.equals(current.provider(), next.provider())) {
            return "configure_session cannot change the model provider (session uses '" + was + "', asked for '" + asked
                    + "'); start a new session with that provider";
        }
        if (!Objects.equals(current.cwd(), next.cwd())) {
            return "configure_session cannot change the working directory (session runs in " + current.cwd()
                    + ", asked for " + next.cwd() + "); start a new session in that directory";
        }
        return null;
    }

    /** An answer that matches no waiting question approves nothing, and says so. */
    private void answerApproval(String submissionId, String callId, String approvalId, Turn.Answer answer) {
        if (!UserQuestions.answer(current, callId, approvalId, answer)) {
            emit(null, submissionId, new EventMsg.Error("no approval request " + (approvalId != null ? approvalId
                    : "for call " + callId) + " is waiting (already answered, timed out, or from an earlier turn);"
                    + " nothing was approved"));
        }
    }

    /**
     * The approval requests waiting now, as the events that asked them (seq 0: a re-announcement,
     * not part of the stream), so a restarted gateway can list them again.
     */
    public List<Event> pendingApprovalRequests() {
        Turn turn = current;
        List<Event> out = new ArrayList<>();
        if (turn != null) {
            for (Turn.PendingApproval p : turn.pendingApprovals.values()) {
                out.add(new Event(sessionId, 0, turn.id, turn.submissionId, p.askedAt(), p.request()));
            }
        }
        return out;
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
        List<Runnable> stops = new ArrayList<>(turn.onInterrupt);
        turn.onInterrupt.clear();
        stops.forEach(Runnable::run);
        List<Turn.PendingApproval> waiting = new ArrayList<>(turn.pendingApprovals.values());
        turn.pendingApprovals.clear();
        waiting.forEach(p -> p.answer().tryFail("interrupted"));
    }

    /**
     * After a takeover: the turn the previous owner left open goes on under its id. Its commands
     * that began without an end are waited for in the sandbox by call id (their real output and
     * result, never a second run; a call the sandbox does not know is told to the model as not
     * run again), then the model is asked again with the history so far.
     */
    public void carryOn(OpenTurn open) {
        Turn turn = new Turn(open.submissionId(), open.turnId());
        current = turn;
        afterTurn(loop.carryOn(turn, List.copyOf(open.runningCommands().keySet()), LOST_WITH_ITS_AGENT));
    }

    private void startTurn(String submissionId, String text, List<String> images) {
        Turn turn = new Turn(submissionId);
        current = turn;
        afterTurn(loop.run(turn, text, images));
    }

    private void afterTurn(Future<Void> done) {
        done.onComplete(ar -> {
            current = null;
            hooks.checkpoint();
            PendingInput next = queued.pollFirst();
            if (next != null) {
                startTurn(next.submissionId(), next.text(), next.images());
            }
        });
    }

    @Override
    public void addToHistory(JsonObject item) {
        history.add(item);
        hooks.itemAdded(item);
    }

    @Override
    public void checkpoint() {
        hooks.checkpoint();
    }

    @Override
    public void emit(Turn turn, EventMsg msg) {
        emit(turn == null ? null : turn.id, turn == null ? null : turn.submissionId, msg);
    }

    private void emit(String turnId, String submissionId, EventMsg msg) {
        seq++;
        sink.emit(new Event(sessionId, seq, turnId, submissionId, System.currentTimeMillis(), msg));
    }
}

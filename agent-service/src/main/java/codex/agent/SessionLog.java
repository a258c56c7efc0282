package codex.agent;

import codex.agent.rollout.HistoryFile;
import codex.agent.rollout.RolloutFiles;
import codex.agent.rollout.RolloutLookupException;
import codex.agent.rollout.RolloutReader;
import codex.agent.rollout.RolloutRecorder;
import codex.protocol.HistoryPersistence;
import codex.protocol.SessionConfig;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.function.Consumer;

/**
 * A session's durable record: the rollout file (items, events, response ids) and the prompt
 * history. A session without a CODEX_HOME (tests, CDS training) records nothing.
 */
final class SessionLog {
    static final String VERSION = "codex-vertx 0.1";
    private final RolloutRecorder recorder;
    private final HistoryFile history;
    private final AgentSession.ResumeState resumeState;
    private final String sessionId;

    private SessionLog(RolloutRecorder recorder, HistoryFile history, AgentSession.ResumeState resumeState,
                       String sessionId) {
        this.recorder = recorder;
        this.history = history;
        this.resumeState = resumeState;
        this.sessionId = sessionId;
    }

    /** Blocking (file IO): creates a new rollout, or reads and continues an existing one on resume. */
    static SessionLog open(String sessionId, SessionConfig config, boolean resume, Consumer<String> onError)
            throws IOException, RolloutLookupException {
        if (config.codexHome() == null || config.codexHome().isBlank()) {
            if (resume) {
                throw new IOException("cannot resume session " + sessionId + ": no CODEX_HOME to find its log in");
            }
            return new SessionLog(null, null, AgentSession.ResumeState.NEW, sessionId);
        }
        Path home = Path.of(config.codexHome());
        HistoryFile history = new HistoryFile(home, config.historyPersistence());
        RolloutRecorder.Options options = RolloutRecorder.Options.defaults(
                err -> onError.accept("session log of " + sessionId + ": " + err));
        if (resume) {
            Path file = new RolloutFiles(home).find(sessionId);
            RolloutReader.Rollout rollout = RolloutReader.read(file);
            AgentSession.ResumeState state = new AgentSession.ResumeState(rollout.items(), rollout.lastSeq(),
                    rollout.lastResponseId(), OpenTurn.of(rollout.events()));
            RolloutRecorder recorder = RolloutRecorder.resume(file, options);
            recorder.append("resumed", new JsonObject().put("timestamp", Instant.now().toString())
                    .put("cwd", config.cwd()).put("model", config.model()));
            return new SessionLog(recorder, history, state, sessionId);
        }
        JsonObject meta = new JsonObject()
                .put("cwd", config.cwd())
                .put("model", config.model())
                .put("provider", config.provider() == null ? null : config.provider().id())
                .put("approval_policy", config.approvalPolicy().wireName())
                .put("sandbox_permissions", new JsonArray(config.sandboxPermissions()))
                .put("version", VERSION);
        RolloutRecorder recorder = RolloutRecorder.create(home, sessionId, Instant.now(), meta, options);
        return new SessionLog(recorder, history, AgentSession.ResumeState.NEW, sessionId);
    }

    /** Where a resumed session picks up; a turn left open by a stopped agent is in it (a takeover carries it on). */
    AgentSession.ResumeState resumeState() {
        return resumeState;
    }

    /** From here on the session is written by this owner (see {@link RolloutRecorder#appendOwner}). */
    void owner(long fence, String instanceId, String nodeId) {
        if (recorder != null) {
            recorder.appendOwner(fence, instanceId, nodeId);
        }
    }

    void recordItem(JsonObject item) {
        if (recorder != null) {
            recorder.appendItem(item);
        }
    }

    void recordEvent(codex.protocol.Event event) {
        if (recorder != null) {
            recorder.appendEvent(event);
        }
    }

    void recordResponseId(String responseId) {
        if (recorder != null) {
            recorder.appendState(responseId);
        }
    }

    /** Non-blocking: the writes complete on the recorder's own thread. */
    void flush() {
        if (recorder != null) {
            recorder.flush();
        }
    }

    /** Blocking (file IO). */
    void recordPrompt(String text) throws IOException {
        if (history != null) {
            history.append(sessionId, text);
        }
    }

    /** Non-blocking close, for the event loop: the last writes finish on the recorder's thread. */
    void closeAsync() {
        if (recorder != null) {
            recorder.closeAsync();
        }
    }

    /** Blocking: waits for the last writes. */
    void close() {
        if (recorder != null) {
            recorder.close();
        }
    }
}

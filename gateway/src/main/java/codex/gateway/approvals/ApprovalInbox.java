package codex.gateway.approvals;

import codex.protocol.ApprovalMessages.Approval;
import codex.protocol.Event;
import codex.protocol.EventMsg;
import codex.protocol.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Every approval request the gateway relays, by the agent's approval id (unique for ever), from
 * request to settlement: pending, then answered (an answer went to the agent) or resolved (the
 * agent said it was settled: answered elsewhere, timed out, cancelled with its turn). Plain Java;
 * one event loop owns it. Settled ids are remembered (the last {@value #SETTLED_KEPT}) so that a
 * second answer is told "already answered" rather than "unknown".
 */
public final class ApprovalInbox {
    /** The decisions an answer may carry (exec-policy's ReviewDecision, in wire spelling). */
    public static final Set<String> DECISIONS = Set.of("approved", "approved_for_session", "denied", "abort");
    static final int SETTLED_KEPT = 10_000;

    /** Why an answer was refused: 400 bad decision, 404 unknown id, 409 already answered. */
    public static final class Refusal extends RuntimeException {
        private final int status;

        Refusal(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }

        public int status() {
            return status;
        }
    }

    /** One request and what became of it. */
    public static final class Entry {
        final String approvalId;
        final String sessionId;
        final String turnId;
        final String callId;
        final String kind;
        final JsonObject request;
        final long requestedAt;
        String state = "pending";
        String decision;
        String decidedBy;
        String how;

        Entry(String approvalId, String sessionId, String turnId, String callId, String kind, JsonObject request,
              long requestedAt) {
            this.approvalId = approvalId;
            this.sessionId = sessionId;
            this.turnId = turnId;
            this.callId = callId;
            this.kind = kind;
            this.request = request;
            this.requestedAt = requestedAt;
        }

        public String approvalId() {
            return approvalId;
        }

        public String sessionId() {
            return sessionId;
        }

        public String callId() {
            return callId;
        }

        /** "exec" or "patch". */
        public String kind() {
            return kind;
        }

        public long requestedAt() {
            return requestedAt;
        }

        public String state() {
            return state;
        }

        /** The API's view: ids, kind, command and cwd or the changes, reason, when, state and outcome. */
        public Approval toApproval() {
            boolean exec = "exec".equals(kind);
            JsonArray command = exec ? request.getJsonArray("command") : null;
            JsonObject changes = exec ? null : request.getJsonObject("changes");
            return new Approval(approvalId, sessionId, turnId, callId, kind,
                    command == null ? null : command.stream().map(String::valueOf).toList(),
                    exec ? request.getString("cwd") : null,
                    changes == null ? null : changes.getMap(),
                    exec ? null : request.getString("grant_root"),
                    request.getString("reason"), Instant.ofEpochMilli(requestedAt).toString(), state, decision,
                    decidedBy, how);
        }
    }

    private final Map<String, Entry> pending = new LinkedHashMap<>();
    private final Map<String, Entry> settled = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
            return size() > SETTLED_KEPT;
        }
    };

    /** One event as the agent published it (or re-announced it to a restarted gateway). */
    public void onEvent(Event event) {
        EventMsg msg = event.msg();
        if (msg instanceof EventMsg.ExecApprovalRequest || msg instanceof EventMsg.ApplyPatchApprovalRequest
                || msg instanceof EventMsg.ApprovalResolved) {
            onEvent(Json.toJson(event)); // few: an entry keeps the request's JSON, the API's view of it
        } else if (msg instanceof EventMsg.TaskComplete || msg instanceof EventMsg.TurnAborted
                || msg instanceof EventMsg.ShutdownComplete) {
            settleSession(event.sessionId(), "the turn ended");
        }
    }

    /** {@link #onEvent(Event)} of an event's JSON. */
    public void onEvent(JsonObject event) {
        JsonObject msg = event.getJsonObject("msg");
        if (msg == null) {
            return;
        }
        String session = event.getString("session_id");
        String type = String.valueOf(msg.getString("type"));
        switch (type) {
            case "exec_approval_request", "apply_patch_approval_request" -> {
                String id = msg.getString("approval_id");
                if (id == null || pending.containsKey(id) || settled.containsKey(id)) {
                    return; // an agent without ids, or a re-announcement of what we know
                }
                pending.put(id, new Entry(id, session, event.getString("turn_id"), msg.getString("call_id"),
                        type.startsWith("exec") ? "exec" : "patch", msg.copy(), event.getLong("ts", 0L)));
            }
            case "approval_resolved" -> {
                String id = msg.getString("approval_id");
                Entry e = pending.remove(id);
                if (e == null) {
                    e = settled.get(id);
                }
                if (e != null) {
                    e.state = "resolved";
                    e.decision = msg.getString("decision");
                    e.decidedBy = msg.getString("decided_by");
                    e.how = msg.getString("reason");
                    settled.put(id, e);
                }
            }
            case "task_complete", "turn_aborted", "shutdown_complete" -> settleSession(session, "the turn ended");
            default -> {
                // nothing to do with approvals
            }
        }
    }

    private void settleSession(String session, String how) {
        pending.values().removeIf(e -> {
            if (!e.sessionId.equals(session)) {
                return false;
            }
            e.state = "resolved";
            e.how = how;
            settled.put(e.approvalId, e);
            return true;
        });
    }

    /** Waiting for an answer, oldest first. */
    public List<Entry> pending() {
        return new ArrayList<>(pending.values());
    }

    /** A request pending or settled, or null when the id is unknown (or long forgotten). */
    public Entry find(String approvalId) {
        Entry e = pending.get(approvalId);
        return e != null ? e : settled.get(approvalId);
    }

    /**
     * Takes an answer: the request stops being pending at once, so a second answer (from any
     * client) is refused with 409 while the first is on its way to the agent.
     */
    public Entry answer(String approvalId, String decision, String decidedBy) {
        if (decision == null || !DECISIONS.contains(decision)) {
            throw new Refusal(400, "decision must be one of " + new java.util.TreeSet<>(DECISIONS));
        }
        Entry e = pending.remove(approvalId);
        if (e == null) {
            if (settled.containsKey(approvalId)) {
                Entry done = settled.get(approvalId);
                throw new Refusal(409, "approval " + approvalId + " was already settled ("
                        + (done.decision == null ? done.how : done.decision
                        + (done.decidedBy == null ? "" : " by " + done.decidedBy)) + ")");
            }
            throw new Refusal(404, "no approval " + approvalId);
        }
        e.state = "answered";
        e.decision = decision;
        e.decidedBy = decidedBy;
        settled.put(approvalId, e);
        return e;
    }

    /** The answer did not reach the agent: the request is pending again. */
    public void undo(Entry e) {
        if (settled.remove(e.approvalId) != null && "answered".equals(e.state)) {
            e.state = "pending";
            e.decision = null;
            e.decidedBy = null;
            pending.put(e.approvalId, e);
        }
    }
}

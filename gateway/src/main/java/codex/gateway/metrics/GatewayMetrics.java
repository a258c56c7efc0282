package codex.gateway.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import codex.protocol.Event;
import codex.protocol.EventMsg;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the gateway counts, read off the events it relays (so it counts the same wherever the
 * agents run): sessions, turns, commands, patches, approval requests and the replay buffers. Plain
 * Java over a Micrometer registry; one event loop calls it, the registry's scrape may read the
 * gauges from another thread (they are atomics). No label carries a session id: the series stay few.
 */
public final class GatewayMetrics {
    private final Counter sessionsCreated;
    private final Counter sessionsResumed;
    private final Counter turnsStarted;
    private final Counter turnsCompleted;
    private final Counter turnsAborted;
    private final Counter commandsOk;
    private final Counter commandsFailed;
    private final Timer commandDuration;
    private final Counter patchesOk;
    private final Counter patchesFailed;
    private final Counter execApprovals;
    private final Counter patchApprovals;
    private final AtomicLong activeSessions = new AtomicLong();
    private final AtomicLong pendingApprovals = new AtomicLong();
    private final AtomicLong bufferedEvents = new AtomicLong();
    private final AtomicLong bufferedSessions = new AtomicLong();
    private final Set<String> active = new HashSet<>();
    /** Per session, the call ids of approval requests not yet followed by a begin, an end or the turn's end. */
    private final Map<String, Set<String>> pending = new HashMap<>();

    public GatewayMetrics(MeterRegistry registry) {
        sessionsCreated = Counter.builder("codex.sessions.opened").tag("resumed", "false")
                .description("Sessions opened through the gateway").register(registry);
        sessionsResumed = Counter.builder("codex.sessions.opened").tag("resumed", "true")
                .description("Sessions opened through the gateway").register(registry);
        turnsStarted = Counter.builder("codex.turns.started").description("Turns started").register(registry);
        turnsCompleted = Counter.builder("codex.turns.finished").tag("outcome", "complete")
                .description("Turns finished, by outcome").register(registry);
        turnsAborted = Counter.builder("codex.turns.finished").tag("outcome", "aborted")
                .description("Turns finished, by outcome").register(registry);
        commandsOk = Counter.builder("codex.commands").tag("outcome", "exit_0")
                .description("Commands run, by outcome").register(registry);
        commandsFailed = Counter.builder("codex.commands").tag("outcome", "exit_nonzero")
                .description("Commands run, by outcome").register(registry);
        commandDuration = Timer.builder("codex.command.duration").description("How long commands ran")
                .serviceLevelObjectives(Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofSeconds(10),
                        Duration.ofSeconds(60), Duration.ofMinutes(10))
                .register(registry);
        patchesOk = Counter.builder("codex.patches").tag("outcome", "applied")
                .description("Patches, by outcome").register(registry);
        patchesFailed = Counter.builder("codex.patches").tag("outcome", "failed")
                .description("Patches, by outcome").register(registry);
        execApprovals = Counter.builder("codex.approvals.requested").tag("kind", "exec")
                .description("Approval requests, by kind").register(registry);
        patchApprovals = Counter.builder("codex.approvals.requested").tag("kind", "patch")
                .description("Approval requests, by kind").register(registry);
        Gauge.builder("codex.sessions.active", activeSessions, AtomicLong::get)
                .description("Sessions configured and not shut down").register(registry);
        Gauge.builder("codex.approvals.pending", pendingApprovals, AtomicLong::get)
                .description("Approval requests waiting for an answer").register(registry);
        Gauge.builder("codex.replay.buffered.events", bufferedEvents, AtomicLong::get)
                .description("Events held in the replay buffers, all sessions").register(registry);
        Gauge.builder("codex.replay.buffered.sessions", bufferedSessions, AtomicLong::get)
                .description("Sessions with a replay buffer").register(registry);
    }

    public void sessionCreated(boolean resumed) {
        (resumed ? sessionsResumed : sessionsCreated).increment();
    }

    /** The replay buffers now hold {@code events} events of {@code sessions} sessions. */
    public void buffers(long sessions, long events) {
        bufferedSessions.set(sessions);
        bufferedEvents.set(events);
    }

    /** One event as the agent published it (the record; what a relay reads of it, no JSON). */
    public void event(Event event) {
        EventMsg msg = event.msg();
        String session = event.sessionId() == null ? "" : event.sessionId();
        String callId = null;
        int exitCode = -1;
        long durationMs = 0;
        boolean success = false;
        if (msg instanceof EventMsg.ExecCommandEnd end) {
            callId = end.callId();
            exitCode = end.exitCode();
            durationMs = end.durationMs();
        } else if (msg instanceof EventMsg.PatchApplyEnd end) {
            callId = end.callId();
            success = end.success();
        } else if (msg instanceof EventMsg.ExecApprovalRequest r) {
            callId = r.callId();
        } else if (msg instanceof EventMsg.ApplyPatchApprovalRequest r) {
            callId = r.callId();
        } else if (msg instanceof EventMsg.ExecCommandBegin b) {
            callId = b.callId();
        } else if (msg instanceof EventMsg.PatchApplyBegin b) {
            callId = b.callId();
        } else if (msg instanceof EventMsg.ApprovalResolved r) {
            callId = r.callId();
        }
        count(session, event.type(), callId, exitCode, durationMs, success);
    }

    /** One event as JSON ({@code {"session_id", "seq", "msg": {"type", …}}}). */
    public void event(JsonObject event) {
        JsonObject msg = event.getJsonObject("msg");
        if (msg == null) {
            return;
        }
        count(event.getString("session_id", ""), String.valueOf(msg.getString("type")), msg.getString("call_id"),
                msg.getInteger("exit_code", -1), msg.getLong("duration_ms", 0L), msg.getBoolean("success", false));
    }

    private void count(String session, String type, String callId, int exitCode, long durationMs, boolean success) {
        switch (type) {
            case "session_configured" -> {
                if (active.add(session)) {
                    activeSessions.set(active.size());
                }
            }
            case "shutdown_complete" -> {
                active.remove(session);
                activeSessions.set(active.size());
                clearPending(session);
            }
            case "task_started" -> turnsStarted.increment();
            case "task_complete" -> {
                turnsCompleted.increment();
                clearPending(session);
            }
            case "turn_aborted" -> {
                turnsAborted.increment();
                clearPending(session);
            }
            case "exec_approval_request" -> {
                execApprovals.increment();
                addPending(session, callId);
            }
            case "apply_patch_approval_request" -> {
                patchApprovals.increment();
                addPending(session, callId);
            }
            case "exec_command_begin", "patch_apply_begin", "approval_resolved" -> removePending(session, callId);
            case "exec_command_end" -> {
                removePending(session, callId);
                (exitCode == 0 ? commandsOk : commandsFailed).increment();
                commandDuration.record(Duration.ofMillis(Math.max(0, durationMs)));
            }
            case "patch_apply_end" -> {
                removePending(session, callId);
                (success ? patchesOk : patchesFailed).increment();
            }
            default -> {
                // deltas, messages, token counts: nothing to count here
            }
        }
    }

    private void addPending(String session, String callId) {
        pending.computeIfAbsent(session, s -> new HashSet<>()).add(String.valueOf(callId));
        recount();
    }

    private void removePending(String session, String callId) {
        Set<String> calls = pending.get(session);
        if (calls != null && calls.remove(String.valueOf(callId))) {
            if (calls.isEmpty()) {
                pending.remove(session);
            }
            recount();
        }
    }

    private void clearPending(String session) {
        if (pending.remove(session) != null) {
            recount();
        }
    }

    private void recount() {
        pendingApprovals.set(pending.values().stream().mapToLong(Set::size).sum());
    }
}

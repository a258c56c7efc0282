package codex.gateway.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class GatewayMetricsTest {
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final GatewayMetrics metrics = new GatewayMetrics(registry);

    void event(String session, String type, JsonObject fields) {
        metrics.event(new JsonObject().put("session_id", session).put("msg", fields.copy().put("type", type)));
    }

    double gauge(String name) {
        return registry.get(name).gauge().value();
    }

    double counter(String name, String... tags) {
        return registry.get(name).tags(tags).counter().count();
    }

    @Test
    void pendingApprovalsAreCountedPerSessionAndCallUntilAnsweredOrTheTurnEnds() {
        event("a", "session_configured", new JsonObject());
        event("b", "session_configured", new JsonObject());
        // call_0 repeats across sessions: two different requests
        event("a", "exec_approval_request", new JsonObject().put("call_id", "call_0"));
        event("b", "exec_approval_request", new JsonObject().put("call_id", "call_0"));
        event("b", "apply_patch_approval_request", new JsonObject().put("call_id", "call_1"));
        assertEquals(3, gauge("codex.approvals.pending"));
        event("a", "exec_command_begin", new JsonObject().put("call_id", "call_0"));
        assertEquals(2, gauge("codex.approvals.pending"));
        event("b", "turn_aborted", new JsonObject());
        assertEquals(0, gauge("codex.approvals.pending"));
        assertEquals(2, counter("codex.approvals.requested", "kind", "exec"));
        assertEquals(1, counter("codex.approvals.requested", "kind", "patch"));
        assertEquals(1, counter("codex.turns.finished", "outcome", "aborted"));
        assertEquals(2, gauge("codex.sessions.active"));
        event("a", "shutdown_complete", new JsonObject());
        assertEquals(1, gauge("codex.sessions.active"));
    }

    @Test
    void commandsByExitCodeWithTheirDuration() {
        event("a", "exec_command_end", new JsonObject().put("call_id", "c").put("exit_code", 0).put("duration_ms", 1500));
        event("a", "exec_command_end", new JsonObject().put("call_id", "d").put("exit_code", 2).put("duration_ms", 10));
        event("a", "patch_apply_end", new JsonObject().put("call_id", "e").put("success", false));
        assertEquals(1, counter("codex.commands", "outcome", "exit_0"));
        assertEquals(1, counter("codex.commands", "outcome", "exit_nonzero"));
        assertEquals(1, counter("codex.patches", "outcome", "failed"));
        assertEquals(2, registry.get("codex.command.duration").timer().count());
        assertEquals(1.51, registry.get("codex.command.duration").timer().totalTime(java.util.concurrent.TimeUnit.SECONDS), 1e-9);
    }
}

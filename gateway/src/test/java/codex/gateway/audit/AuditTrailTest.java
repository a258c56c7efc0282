package codex.gateway.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AuditTrailTest {
    final List<JsonObject> log = new ArrayList<>();
    long ts = 1_764_680_000_000L;

    void event(String turn, String type, JsonObject msg) {
        log.add(new JsonObject().put("session_id", "s").put("turn_id", turn).put("ts", ts += 1000)
                .put("msg", msg.copy().put("type", type)));
    }

    @Test
    void commandsAndPatchesWithTheirPermissionsDecisionsAndOutcomes() {
        event(null, "session_configured", new JsonObject().put("sandbox_permissions",
                new JsonArray().add("disk-full-read-access").add("disk-write-cwd")));
        // a sandboxed command, no approval needed
        event("t1", "exec_command_begin", new JsonObject().put("call_id", "call_0").put("command", new JsonArray().add("ls"))
                .put("cwd", "/w").put("sandboxed", true));
        event("t1", "exec_command_end", new JsonObject().put("call_id", "call_0").put("exit_code", 0).put("duration_ms", 7));
        // the same call id in the next turn: approved by alice, run outside the sandbox
        event("t2", "exec_approval_request", new JsonObject().put("call_id", "call_0").put("approval_id", "apr_1")
                .put("command", new JsonArray().add("make").add("install")).put("cwd", "/w").put("reason", "writes /usr"));
        event("t2", "approval_resolved", new JsonObject().put("approval_id", "apr_1").put("call_id", "call_0")
                .put("decision", "approved").put("decided_by", "alice").put("reason", "answered by alice"));
        event("t2", "exec_command_begin", new JsonObject().put("call_id", "call_0").put("command", new JsonArray().add("make")
                .add("install")).put("cwd", "/w").put("sandboxed", false));
        event("t2", "exec_command_end", new JsonObject().put("call_id", "call_0").put("exit_code", 2).put("duration_ms", 1500));
        // a denied patch
        event("t2", "apply_patch_approval_request", new JsonObject().put("call_id", "call_1").put("approval_id", "apr_2")
                .put("changes", new JsonObject().put("/etc/x", new JsonObject().put("kind", "add").put("content", "x"))));
        event("t2", "approval_resolved", new JsonObject().put("approval_id", "apr_2").put("call_id", "call_1")
                .put("decision", "denied").put("decided_by", "bob"));
        // a patch inside the writable roots
        event("t2", "patch_apply_begin", new JsonObject().put("call_id", "call_2").put("auto_approved", true)
                .put("changes", new JsonObject().put("/w/a.txt", new JsonObject().put("kind", "update"))));
        event("t2", "patch_apply_end", new JsonObject().put("call_id", "call_2").put("success", true));

        JsonArray trail = AuditTrail.build(log);
        assertEquals(4, trail.size(), trail.encodePrettily());
        JsonObject sandboxed = trail.getJsonObject(0);
        assertEquals(new JsonArray().add("disk-full-read-access").add("disk-write-cwd"), sandboxed.getJsonArray("permissions"));
        assertEquals(0, sandboxed.getInteger("exit_code"));
        assertTrue(sandboxed.getBoolean("ran"));

        JsonObject approved = trail.getJsonObject(1);
        assertEquals("t2", approved.getString("turn_id"));
        assertEquals("unsandboxed, approved by alice", approved.getString("permissions"));
        assertEquals("approved", approved.getString("decision"));
        assertEquals("alice", approved.getString("decided_by"));
        assertEquals(2, approved.getInteger("exit_code"));
        assertEquals(1500, approved.getLong("duration_ms"));
        assertEquals("writes /usr", approved.getString("approval_reason"));
        assertTrue(approved.getString("started_at").endsWith("Z") && approved.getString("ended_at") != null);

        JsonObject denied = trail.getJsonObject(2);
        assertEquals("patch", denied.getString("kind"));
        assertEquals("denied", denied.getString("decision"));
        assertEquals("bob", denied.getString("decided_by"));
        assertFalse(denied.getBoolean("ran"));
        assertEquals("/etc/x", denied.getJsonArray("files").getJsonObject(0).getString("path"));

        JsonObject patch = trail.getJsonObject(3);
        assertTrue(patch.getBoolean("success"));
        assertEquals(1000, patch.getLong("duration_ms"));
        assertEquals(2, patch.getJsonArray("permissions").size());
    }
}

package codex.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class SessionStatesTest {
    static JsonObject event(String session, String turn, String type) {
        return new JsonObject().put("session_id", session).put("turn_id", turn).put("msg", new JsonObject().put("type", type));
    }

    @Test
    void aTurnRunsWaitsForAnAnswerRunsOnAndEndsIdle() {
        SessionStates states = new SessionStates();
        assertEquals("idle", states.stateOf("s1"), "a session never seen is idle");
        states.accept(event("s1", null, "session_configured"));
        assertEquals("idle", states.stateOf("s1"));
        states.accept(event("s1", "t1", "task_started"));
        assertEquals("running", states.stateOf("s1"));
        states.accept(event("s1", "t1", "exec_approval_request"));
        assertEquals("waiting", states.stateOf("s1"));
        states.accept(event("s2", "t9", "task_started"));
        assertEquals("waiting", states.stateOf("s1"), "another session's events change nothing here");
        states.accept(event("s1", "t1", "exec_command_begin"));
        assertEquals("running", states.stateOf("s1"), "the answer let the turn go on");
        states.accept(event("s1", "t1", "apply_patch_approval_request"));
        states.accept(event("s1", "t1", "turn_aborted"));
        assertEquals("idle", states.stateOf("s1"));
        states.accept(event("s1", null, "session_configured"));
        assertEquals("idle", states.stateOf("s1"));
        assertEquals("running", states.stateOf("s2"));
    }
}

package codex.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ContractJsonTest {

    @Test
    void eventsCarryTypeAndSnakeCaseKeysAndSurviveARoundTrip() {
        Event e = new Event("s1", 7, "t1", "sub-1", 1234L,
                new EventMsg.ExecCommandEnd("c1", 2, 15, "out", "err", false, true));
        JsonObject json = Json.toJson(e);
        assertEquals("exec_command_end", json.getJsonObject("msg").getString("type"));
        assertEquals(2, json.getJsonObject("msg").getInteger("exit_code"));
        assertEquals(7L, json.getLong("seq"));
        assertEquals("s1", json.getString("session_id"));
        // what crosses a process boundary is the encoded string
        Event back = Json.fromJson(new JsonObject(json.encode()), Event.class);
        assertEquals(e, back);
        assertEquals("exec_command_end", back.type());
    }

    @Test
    void emptyMessagesAndNestedChangesRoundTrip() {
        Event started = new Event("s", 1, "t", null, 1, new EventMsg.TaskStarted());
        assertEquals(started, Json.fromJson(Json.toJson(started), Event.class));
        Event asked = new Event("s", 2, "t", "sub-1", 1, new EventMsg.UserMessage("fix the build"));
        assertEquals(new JsonObject().put("type", "user_message").put("message", "fix the build"),
                Json.toJson(asked).getJsonObject("msg"));
        assertEquals(asked, Json.fromJson(Json.toJson(asked), Event.class));
        Event patch = new Event("s", 2, "t", null, 1, new EventMsg.ApplyPatchApprovalRequest("c",
                Map.of("a.txt", new EventMsg.FileChange("add", "hi\n", null, null)), "why", null));
        assertEquals(patch, Json.fromJson(Json.toJson(patch), Event.class));
    }

    @Test
    void submissionsDecodeFromTheDocumentedJson() {
        Submission s = Json.decode(
                "{\"id\":\"sub-1\",\"op\":{\"type\":\"user_input\",\"items\":[{\"type\":\"text\",\"text\":\"hi\"}]}}",
                Submission.class);
        assertInstanceOf(Submission.Op.UserInput.class, s.op());
        assertEquals("hi", ((Submission.Op.UserInput) s.op()).joinedText());
        Submission approval = Json.decode(
                "{\"id\":\"x\",\"op\":{\"type\":\"exec_approval\",\"call_id\":\"c1\",\"decision\":\"approved\"}}",
                Submission.class);
        assertEquals(new Submission.Op.ExecApproval("c1", "approved"), approval.op());
        Submission interrupt = Json.decode("{\"id\":\"y\",\"op\":{\"type\":\"interrupt\"}}", Submission.class);
        assertInstanceOf(Submission.Op.Interrupt.class, interrupt.op());
    }

    @Test
    void unknownOpTypeIsRejected() {
        assertThrows(IllegalArgumentException.class,
                () -> Json.decode("{\"id\":\"y\",\"op\":{\"type\":\"self_destruct\"}}", Submission.class));
    }

    @Test
    void sessionConfigKeepsTheSeedKeyNotify() {
        SessionConfig c = new SessionConfig("m", null, ApprovalPolicy.NEVER, List.of("disk-write-cwd"), "/w", false,
                null, null, List.of("notify-send"), null, null, null, null);
        JsonObject json = Json.toJson(c);
        assertEquals("notify-send", json.getJsonArray("notify").getString(0));
        assertFalse(json.containsKey("notify_command"));
        assertEquals(c, Json.fromJson(json, SessionConfig.class));
    }

    @Test
    void sessionConfigWritesTypedFieldsWithTheirWireNames() {
        SessionConfig c = new SessionConfig("m", null, ApprovalPolicy.ON_FAILURE, List.of(), "/w", false,
                null, null, List.of(), ReasoningEffort.HIGH, ReasoningSummary.NONE, null, HistoryPersistence.NONE);
        JsonObject json = Json.toJson(c);
        assertEquals("on-failure", json.getString("approval_policy"));
        assertEquals("high", json.getString("reasoning_effort"));
        assertEquals("none", json.getString("reasoning_summary"));
        assertEquals("none", json.getString("history_persistence"));
        assertEquals(c, Json.fromJson(json, SessionConfig.class));
        assertEquals(HistoryPersistence.SAVE_ALL, Json.fromJson(json.copy().putNull("history_persistence"),
                SessionConfig.class).historyPersistence(), "absent persistence is the documented default");
    }

    @Test
    void aBadSessionConfigValueIsRefusedWhenDecodedAndNamesTheValidOnes() {
        JsonObject good = Json.toJson(new SessionConfig("m", null, ApprovalPolicy.NEVER, List.of(), "/w", false,
                null, null, List.of(), null, null, null, null));
        record Case(String key, Object value, String expected) { }
        for (Case k : List.of(new Case("approval_policy", "sometimes", "on-failure"),
                new Case("approval_policy", null, "unless-allow-listed"),
                new Case("reasoning_effort", "extreme", "minimal, low, medium, high"),
                new Case("reasoning_summary", "long", "auto, concise, detailed, none"),
                new Case("history_persistence", "forever", "save-all, none"),
                new Case("sandbox_permissions", List.of("disk-write-everything"), "disk-write-cwd"))) {
            JsonObject bad = good.copy().put(k.key(), k.value());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Json.fromJson(bad, SessionConfig.class), k.key());
            assertTrue(e.getMessage().contains(k.expected()), k.key() + ": " + e.getMessage());
        }
        // the same check guards configure_session, which carries a SessionConfig
        JsonObject submission = new JsonObject().put("id", "s1").put("op", new JsonObject()
                .put("type", "configure_session").put("config", good.copy().put("approval_policy", "sometimes")));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Json.fromJson(submission, Submission.class));
        assertTrue(e.getMessage().contains("unknown approval policy 'sometimes'"), e.getMessage());
    }

    @Test
    void permissionsAndPoliciesParseTheSeedSpellingsAndNameTheValidOnes() {
        assertEquals("disk-write-folder=/x", SandboxPermission.parse("disk-write-folder=/x").toString());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SandboxPermission.parse("disk-write-everything"));
        assertTrue(e.getMessage().contains("disk-write-cwd"), e.getMessage());
        IllegalArgumentException p = assertThrows(IllegalArgumentException.class, () -> ApprovalPolicy.parse("sometimes"));
        assertTrue(p.getMessage().contains("on-failure"), p.getMessage());
        assertEquals(ApprovalPolicy.AUTO_EDIT, ApprovalPolicy.parse("auto-edit"));
    }
}

package codex.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import codex.protocol.Addresses;
import codex.protocol.ApprovalPolicy;
import codex.protocol.BusRequests;
import codex.protocol.Json;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The agent's open-session and submission envelopes refuse a body that lacks a required field, naming it. */
class AgentEnvelopesTest {
    private Vertx vertx;

    @BeforeEach
    void deploy() throws Exception {
        vertx = Vertx.vertx();
        await(vertx.deployVerticle(new AgentVerticle(Map.of())));
    }

    @AfterEach
    void close() throws Exception {
        await(vertx.close());
    }

    private static <T> T await(Future<T> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private ReplyException refused(String address, JsonObject body) {
        ExecutionException e = assertThrows(ExecutionException.class, () -> await(vertx.eventBus().request(address, body)));
        return assertInstanceOf(ReplyException.class, e.getCause());
    }

    @Test
    void openSessionWithoutResumeOrIdIsRefusedNotDefaulted() {
        JsonObject config = Json.toJson(Fakes.config(ApprovalPolicy.NEVER));
        ReplyException noResume = refused(Addresses.AGENT_OPEN_SESSION,
                new JsonObject().put("session_id", "s1").put("config", config));
        assertEquals(400, noResume.failureCode());
        assertTrue(noResume.getMessage().contains("session.open needs resume"), noResume.getMessage());

        ReplyException noId = refused(Addresses.AGENT_OPEN_SESSION, new JsonObject().put("config", config).put("resume", false));
        assertTrue(noId.getMessage().contains("session.open needs session_id"), noId.getMessage());

        ReplyException badPolicy = refused(Addresses.AGENT_OPEN_SESSION, new JsonObject().put("session_id", "s1")
                .put("resume", false).put("config", config.copy().put("approval_policy", "sometimes")));
        assertTrue(badPolicy.getMessage().contains("valid policies are"), badPolicy.getMessage());
    }

    @Test
    void recordedSessionsAreListedAndResolvedOverTheBus(@org.junit.jupiter.api.io.TempDir java.nio.file.Path home)
            throws Exception {
        for (String id : java.util.List.of("abcdef12-0000-1", "abcdef12-0000-2")) {
            try (var r = codex.agent.rollout.RolloutRecorder.create(home, id, java.time.Instant.parse(
                            id.endsWith("1") ? "2026-01-01T00:00:00Z" : "2026-01-02T00:00:00Z"),
                    new JsonObject().put("cwd", "/w"), codex.agent.rollout.RolloutRecorder.Options.defaults(e -> { }))) {
                r.appendItem(new JsonObject().put("type", "message").put("role", "user").put("content", "prompt " + id));
            }
        }
        JsonObject listed = BusRequests.asJson(await(vertx.eventBus().request(Addresses.AGENT_LIST_SESSIONS,
                Json.toJson(new codex.protocol.SessionMessages.ListSessions(home.toString(), 10, null)))).body());
        var list = Json.fromJson(listed, codex.protocol.SessionMessages.SessionList.class).sessions();
        assertEquals(java.util.List.of("abcdef12-0000-2", "abcdef12-0000-1"),
                list.stream().map(codex.protocol.SessionMessages.RecordedSession::sessionId).toList());
        assertEquals("prompt abcdef12-0000-2", list.get(0).preview());

        JsonObject resolved = BusRequests.asJson(await(vertx.eventBus().request(Addresses.AGENT_RESOLVE_SESSION,
                Json.toJson(codex.protocol.SessionMessages.ResolveSession.byId(home.toString(), "abcdef12-0000-1")))).body());
        assertEquals("abcdef12-0000-1", resolved.getString("session_id"));
        JsonObject last = BusRequests.asJson(await(vertx.eventBus().request(Addresses.AGENT_RESOLVE_SESSION,
                Json.toJson(codex.protocol.SessionMessages.ResolveSession.latest(home.toString(), "/w")))).body());
        assertEquals("abcdef12-0000-2", last.getString("session_id"));

        ReplyException ambiguous = refused(Addresses.AGENT_RESOLVE_SESSION,
                Json.toJson(codex.protocol.SessionMessages.ResolveSession.byId(home.toString(), "abcdef12")));
        assertEquals(409, ambiguous.failureCode());
        assertTrue(ambiguous.getMessage().contains("abcdef12-0000-2, abcdef12-0000-1"), ambiguous.getMessage());
        ReplyException unknown = refused(Addresses.AGENT_RESOLVE_SESSION,
                Json.toJson(codex.protocol.SessionMessages.ResolveSession.byId(home.toString(), "ffffffff-9")));
        assertEquals(404, unknown.failureCode());
        ReplyException noLimit = refused(Addresses.AGENT_LIST_SESSIONS, new JsonObject().put("codex_home", home.toString()));
        assertEquals(400, noLimit.failureCode());
        assertTrue(noLimit.getMessage().contains("sessions.list needs limit"), noLimit.getMessage());
        ReplyException neither = refused(Addresses.AGENT_RESOLVE_SESSION, new JsonObject().put("codex_home", home.toString()));
        assertTrue(neither.getMessage().contains("either id_or_prefix or last"), neither.getMessage());
    }
}

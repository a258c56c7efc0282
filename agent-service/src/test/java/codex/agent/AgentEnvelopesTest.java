package codex.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import codex.protocol.Addresses;
import codex.protocol.ApprovalPolicy;
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
}

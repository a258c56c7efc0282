package codex.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import codex.protocol.Addresses;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A gateway that restarts while the agents run on lists their waiting approval requests again. */
class GatewayRestartTest {
    static <T> T await(Future<T> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    static JsonArray pending(Vertx vertx) throws Exception {
        return codex.protocol.BusRequests.asJson(await(vertx.eventBus().request(Addresses.GATEWAY_APPROVALS,
                new JsonObject().put("action", "list"))).body()).getJsonArray("approvals");
    }

    @Test
    void theInboxIsRebuiltFromTheAgentsAfterARestart() throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            JsonObject request = new JsonObject().put("session_id", "s1").put("seq", 0).put("turn_id", "t1")
                    .put("ts", 1_764_680_000_000L).put("msg", new JsonObject().put("type", "exec_approval_request")
                            .put("call_id", "call_0").put("approval_id", "apr_x").put("command", new JsonArray().add("make"))
                            .put("cwd", "/w"));
            // the agent side: answers a re-announcement request the way AgentVerticle does
            vertx.eventBus().consumer(Addresses.AGENT_PENDING_APPROVALS,
                    m -> vertx.eventBus().send(codex.protocol.BusRequests.asJson(m.body()).getString("reply_to"), request));
            String first = await(vertx.deployVerticle(new GatewayVerticle(new SimpleMeterRegistry())));
            await(vertx.undeploy(first));
            await(vertx.deployVerticle(new GatewayVerticle(new SimpleMeterRegistry())));
            long deadline = System.currentTimeMillis() + 5_000;
            JsonArray listed = pending(vertx);
            while (listed.isEmpty() && System.currentTimeMillis() < deadline) {
                Thread.sleep(20);
                listed = pending(vertx);
            }
            assertEquals(1, listed.size(), listed.encode());
            JsonObject a = listed.getJsonObject(0);
            assertEquals("apr_x", a.getString("approval_id"));
            assertEquals("s1", a.getString("session_id"));
            assertEquals("pending", a.getString("state"));
            assertTrue(a.getString("requested_at").startsWith("2025-12-02"), a.encode());
        } finally {
            await(vertx.close());
        }
    }
}

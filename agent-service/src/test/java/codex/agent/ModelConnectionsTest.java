package codex.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;

import codex.protocol.Addresses;
import codex.protocol.ApprovalPolicy;
import codex.protocol.Json;
import codex.protocol.ProviderSpec;
import codex.protocol.SessionConfig;
import codex.protocol.SessionMessages.OpenSession;
import codex.protocol.Submission;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Concurrent sessions of one agent each get their own model request at once, not a turn at a shared few. */
class ModelConnectionsTest {
    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void close() throws Exception {
        await(vertx.close());
    }

    private static <T> T await(Future<T> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    }

    @Test
    void twelveSessionsStreamFromTheModelAtTheSameTime() throws Exception {
        // a model that never finishes a response: each request holds its connection
        ConcurrentLinkedQueue<HttpServerRequest> open = new ConcurrentLinkedQueue<>();
        HttpServer model = await(vertx.createHttpServer().requestHandler(req -> {
            req.response().setChunked(true).putHeader("content-type", "text/event-stream").write(": open\n\n");
            open.add(req);
        }).listen(0, "127.0.0.1"));
        await(vertx.deployVerticle(new AgentVerticle(Map.of())));
        ProviderSpec provider = new ProviderSpec("bench", "bench", "http://127.0.0.1:" + model.actualPort() + "/v1", null,
                null, codex.protocol.WireApi.RESPONSES, Map.of(), Map.of(), Map.of(), 0, 0, 60_000);
        SessionConfig config = new SessionConfig("test-model", provider, ApprovalPolicy.NEVER,
                List.of("disk-full-read-access", "disk-write-cwd"), Fakes.CWD, true, null, null, List.of(), null, null,
                null, null);
        int sessions = 12;
        for (int i = 0; i < sessions; i++) {
            String id = "s" + i;
            await(vertx.eventBus().request(Addresses.AGENT_OPEN_SESSION, Json.toJson(new OpenSession(id, config, false))));
            await(vertx.eventBus().request(Addresses.agentSession(id),
                    Json.toJson(new Submission("u" + i, Submission.Op.UserInput.text("hello")))));
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (open.size() < sessions && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        // Vert.x's default pool (5 per host) let only five in; the others waited for a response to end
        assertEquals(sessions, open.size(), "model requests in flight at once");
    }
}

package codex.cli;

import codex.gateway.GatewayClient;
import codex.protocol.Event;
import codex.protocol.EventMsg;
import codex.protocol.ProviderSpec;
import codex.protocol.SessionConfig;
import codex.protocol.Submission;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * All services in this JVM plus a test client on the gateway, the way a front end uses them:
 * create a session, subscribe, send input, answer approval requests.
 */
public final class InProcessCodex implements AutoCloseable {
    private final Vertx vertx = Services.newLocalVertx();
    private final Context context = vertx.getOrCreateContext();
    private final GatewayClient client = new GatewayClient(vertx);

    public InProcessCodex() throws Exception {
        CompletableFuture<Void> up = new CompletableFuture<>();
        context.runOnContext(v -> Services.deployAll(vertx, Map.of("OPENAI_API_KEY", "test-key"), List.of())
                .onComplete(ar -> {
                    if (ar.succeeded()) {
                        up.complete(null);
                    } else {
                        up.completeExceptionally(ar.cause());
                    }
                }));
        up.get(30, TimeUnit.SECONDS);
    }

    public static ProviderSpec provider(String baseUrl) {
        return new ProviderSpec("openai", "OpenAI", baseUrl, "OPENAI_API_KEY", null, codex.protocol.WireApi.RESPONSES, Map.of(), Map.of(),
                Map.of(), 2, 2, 10_000);
    }

    public static SessionConfig config(String baseUrl, String policy, List<String> permissions, String cwd) {
        return new SessionConfig("test-model", provider(baseUrl), codex.protocol.ApprovalPolicy.parse(policy), permissions, cwd, false, null, null,
                List.of(), null, null, null, null);
    }

    /**
     * Runs one turn; {@code approver} answers each approval request with a decision name.
     * Returns every event of the session up to the end of the turn.
     */
    public List<Event> runTurn(SessionConfig config, String prompt, Function<EventMsg, String> approver)
            throws Exception {
        List<Event> events = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> done = new CompletableFuture<>();
        context.runOnContext(v -> client.createSession(config, null).compose(id -> client.subscribe(id, 0, e -> {
            events.add(e);
            EventMsg msg = e.msg();
            if (msg instanceof EventMsg.ExecApprovalRequest r) {
                client.submit(id, new Submission("approve", new Submission.Op.ExecApproval(r.callId(), approver.apply(msg))));
            } else if (msg instanceof EventMsg.ApplyPatchApprovalRequest r) {
                client.submit(id, new Submission("approve", new Submission.Op.PatchApproval(r.callId(), approver.apply(msg))));
            } else if (msg instanceof EventMsg.TaskComplete || msg instanceof EventMsg.TurnAborted) {
                done.complete(null);
            }
        }).compose(c -> client.submit(id, new Submission("turn", Submission.Op.UserInput.text(prompt)))))
                .onFailure(done::completeExceptionally));
        done.get(60, TimeUnit.SECONDS);
        return List.copyOf(events);
    }

    @Override
    public void close() {
        try {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            throw new IllegalStateException("services did not stop", e);
        }
    }
}

package codex.cli;

import codex.gateway.GatewayClient;
import codex.gateway.HttpGatewayVerticle;
import codex.gateway.http.ApiException;
import codex.gateway.http.CreateSessionRequest;
import codex.gateway.http.Identity;
import codex.mcp.server.CodexSessions;
import codex.mcp.server.CodexToolCall;
import codex.protocol.Event;
import codex.protocol.Submission;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The sessions of {@code codex serve}'s {@code /mcp}: opened for the request's identity through
 * the HTTP API's own door ({@link HttpGatewayVerticle#openSession}: the server's ceiling, the
 * session recorded as the caller's), answered through its inbox ({@link HttpGatewayVerticle#submitAs}).
 * A {@code codex} call is the same as {@code POST /api/v1/sessions} with its settings; a relative
 * cwd resolves against the server's working directory.
 */
final class ServeMcpSessions implements CodexSessions {
    private final HttpGatewayVerticle http;
    private final GatewayClient client;
    private final Path serverCwd;
    /** The event subscription of every session the MCP server still knows (released when it forgets one). */
    private final java.util.Map<String, io.vertx.core.eventbus.MessageConsumer<?>> followed = new java.util.concurrent.ConcurrentHashMap<>();

    ServeMcpSessions(Vertx vertx, HttpGatewayVerticle http, Path serverCwd) {
        this.http = http;
        this.client = new GatewayClient(vertx);
        this.serverCwd = serverCwd;
    }

    @Override
    public Future<String> open(Object principal, CodexToolCall call, Consumer<Event> events) {
        if (!(principal instanceof Identity identity)) {
            return Future.failedFuture("no identity");
        }
        String cwd = call.cwd() == null ? serverCwd.toString() : serverCwd.resolve(call.cwd()).normalize().toString();
        List<String> config = new ArrayList<>();
        if (call.disableResponseStorage() != null) {
            config.add("disable_response_storage=" + call.disableResponseStorage());
        }
        CreateSessionRequest request = new CreateSessionRequest(cwd, call.model(), null,
                call.approvalPolicy() == null ? null : call.approvalPolicy().wireName(),
                call.sandboxPermissions(), config, null);
        return http.openSession(identity, request)
                .recover(err -> Future.failedFuture(err instanceof ApiException api ? api.getMessage() : String.valueOf(err)))
                .compose(id -> client.subscribe(id, 0, events).map(consumer -> {
                    followed.put(id, consumer);
                    return id;
                }));
    }

    @Override
    public void release(Object principal, String sessionId) {
        var consumer = followed.remove(sessionId);
        if (consumer != null) {
            consumer.unregister();
        }
    }

    @Override
    public Future<Void> submit(Object principal, String sessionId, Submission submission) {
        if (!(principal instanceof Identity identity)) {
            return Future.failedFuture("no identity");
        }
        return http.submitAs(identity, sessionId, submission);
    }
}

package codex.mcp.server;

import codex.mcp.McpJson;
import codex.protocol.Event;
import codex.protocol.EventMsg;
import codex.protocol.Json;
import codex.protocol.Submission;
import io.modelcontextprotocol.server.McpAsyncServer;
import io.modelcontextprotocol.server.McpAsyncServerExchange;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures;
import io.modelcontextprotocol.server.transport.StdioServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpServerTransportProviderBase;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Codex as an MCP server: the tools {@code codex} (a new session, one whole turn) and
 * {@code codex-reply} (the next turn of a session). Every event of the turn goes to the client as
 * a {@code codex/event} notification, the agent's messages also as progress; approvals become
 * elicitation requests when the client can answer them, else they are refused and the result
 * says so; a cancelled request interrupts its turn.
 *
 * Threads: the SDK calls the tool handlers on its own threads; they hop onto this server's Vert.x
 * context, where all state lives and {@link CodexSessions} is called. Everything going out to
 * the client (notifications, elicitations, results) is handed to one single-threaded scheduler,
 * so it leaves in order and never on an event loop.
 */
public final class CodexMcpServer {
    public static final String EVENT_NOTIFICATION = "codex/event";
    static final List<String> DECISIONS = List.of("approved", "approved_for_session", "denied", "abort");
    /** How long a result waits for the client's answer to the ping behind its notifications. */
    static final Duration PING_BARRIER = Duration.ofSeconds(2);

    private final Context context;
    private final CodexSessions sessions;
    private final Scheduler outbound = Schedulers.newSingle("mcp-server-out", true);
    /** The Codex sessions this server opened, least recently used first (codex-reply finds them here). */
    private final Map<String, SessionState> sessionsById = new java.util.LinkedHashMap<>(16, 0.75f, true);
    /** How many idle Codex sessions each principal keeps for codex-reply; older ones are released. */
    private int sessionsKept = 64;
    /** Running calls by MCP session and JSON-RPC request id (the key a cancellation names). */
    private final Map<String, TurnRun> runsByRequest = new HashMap<>();
    private final AtomicLong submissions = new AtomicLong();
    private McpServerTransportProviderBase provider;
    private StreamableHttpTransport http;
    private McpAsyncServer server;

    private CodexMcpServer(Vertx vertx, CodexSessions sessions) {
        this.context = vertx.getOrCreateContext();
        this.sessions = sessions;
    }

    /** The two tools exactly as tools/list shows them. */
    public static McpSchema.Tool codexTool() {
        return tool("codex-tool.json");
    }

    public static McpSchema.Tool codexReplyTool() {
        return tool("codex-reply-tool.json");
    }

    private static McpSchema.Tool tool(String resource) {
        try (InputStream in = CodexMcpServer.class.getResourceAsStream(resource)) {
            return McpJson.MAPPER.readValue(new String(in.readAllBytes(), StandardCharsets.UTF_8), McpSchema.Tool.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Serves MCP over these streams (normally stdin/stdout) until the input ends; the future
     * completes then, after the SDK has closed.
     */
    public static Future<Void> serveStdio(Vertx vertx, CodexSessions sessions, InputStream in, OutputStream out) {
        CodexMcpServer s = new CodexMcpServer(vertx, sessions);
        StdinFilter filter;
        try {
            filter = new StdinFilter(McpJson.MAPPER, requestId -> s.context.runOnContext(v -> s.cancel(null, requestId)));
        } catch (IOException e) {
            return Future.failedFuture(e);
        }
        StdioServerTransportProvider stdio = new StdioServerTransportProvider(McpJson.SDK, filter.sdkInput(), out);
        s.provider = stdio;
        s.server = s.configure(McpServer.async(stdio)).build();
        filter.start(in);
        Promise<Void> done = Promise.promise();
        filter.ended().thenRun(() -> s.server.closeGracefully().timeout(Duration.ofSeconds(5))
                .onErrorResume(e -> Mono.empty())
                .doFinally(signal -> {
                    s.outbound.dispose();
                    s.context.runOnContext(v -> done.tryComplete());
                }).subscribe());
        return done.future();
    }

    /**
     * The same server over Streamable HTTP (on {@code codex serve}'s {@code /mcp}): give it each
     * request with {@link #handleHttp}, after authenticating it. Call {@link #close} to end it.
     */
    public static CodexMcpServer http(Vertx vertx, CodexSessions sessions) {
        CodexMcpServer s = new CodexMcpServer(vertx, sessions);
        s.http = new StreamableHttpTransport(vertx, McpJson.SDK);
        s.http.onCancelled((session, requestId) -> s.context.runOnContext(v -> s.cancel(session, requestId)));
        s.provider = s.http;
        s.server = s.configure(McpServer.async(s.http)).build();
        return s;
    }

    /**
     * One HTTP request to the MCP endpoint, on its event loop and not yet read; {@code principal}
     * is who it authenticated as: MCP sessions and Codex sessions stay with the principal that opened them.
     */
    public void handleHttp(io.vertx.core.http.HttpServerRequest request, Object principal) {
        http.handle(request, principal);
    }

    /** Live MCP sessions over HTTP (0 for stdio). */
    public int httpSessionCount() {
        return http == null ? 0 : http.sessionCount();
    }

    /** Ends the HTTP server's sessions (a stdio server ends with its input). */
    public Future<Void> close() {
        Promise<Void> done = Promise.promise();
        server.closeGracefully().timeout(Duration.ofSeconds(5)).onErrorResume(e -> Mono.empty())
                .doFinally(signal -> {
                    outbound.dispose();
                    context.runOnContext(v -> done.tryComplete());
                }).subscribe();
        return done.future();
    }

    private McpServer.AsyncSpecification<?> configure(McpServer.AsyncSpecification<?> spec) {
        return spec.serverInfo(new McpSchema.Implementation("codex-mcp-server", "Codex", version()))
                .capabilities(McpSchema.ServerCapabilities.builder().tools(false).logging().build())
                .requestTimeout(Duration.ofHours(24)) // an elicitation waits for a person
                .tools(spec(codexTool(), this::onCodex), spec(codexReplyTool(), this::onReply));
    }

    private static McpServerFeatures.AsyncToolSpecification spec(McpSchema.Tool tool,
            BiFunction<McpAsyncServerExchange, McpSchema.CallToolRequest, Mono<McpSchema.CallToolResult>> handler) {
        return McpServerFeatures.AsyncToolSpecification.builder().tool(tool).callHandler(handler).build();
    }

    private Mono<McpSchema.CallToolResult> onCodex(McpAsyncServerExchange exchange, McpSchema.CallToolRequest request) {
        return Mono.<McpSchema.CallToolResult>create(sink -> context.runOnContext(v -> startCodex(exchange, request, sink)))
                .publishOn(outbound);
    }

    private Mono<McpSchema.CallToolResult> onReply(McpAsyncServerExchange exchange, McpSchema.CallToolRequest request) {
        return Mono.<McpSchema.CallToolResult>create(sink -> context.runOnContext(v -> startReply(exchange, request, sink)))
                .publishOn(outbound);
    }

    private void startCodex(McpAsyncServerExchange exchange, McpSchema.CallToolRequest request,
                            MonoSink<McpSchema.CallToolResult> sink) {
        CodexToolCall call;
        try {
            call = CodexToolCall.parse(request.arguments());
        } catch (IllegalArgumentException e) {
            sink.success(errorResult("invalid arguments: " + e.getMessage()));
            return;
        }
        Object principal = principal(exchange);
        SessionState state = new SessionState(principal);
        TurnRun run = new TurnRun(state, exchange, request, sink);
        state.current = run;
        sessions.open(principal, call, event -> state.deliver(event)).onComplete(ar -> {
            if (ar.failed()) {
                run.finish(errorResult("could not start a Codex session: " + ar.cause().getMessage()));
                return;
            }
            state.id = ar.result();
            sessionsById.put(state.id, state);
            releaseOldSessions(state.principal);
            run.sessionId = state.id;
            run.submitInput(call.prompt());
        });
    }

    private void startReply(McpAsyncServerExchange exchange, McpSchema.CallToolRequest request,
                            MonoSink<McpSchema.CallToolResult> sink) {
        Map<String, Object> args = request.arguments() == null ? Map.of() : request.arguments();
        String id;
        String prompt;
        try {
            id = CodexToolCall.string(args, "sessionId");
            if (id == null) {
                id = CodexToolCall.string(args, "conversationId");
            }
            prompt = CodexToolCall.string(args, "prompt");
        } catch (IllegalArgumentException e) {
            sink.success(errorResult("invalid arguments: " + e.getMessage()));
            return;
        }
        if (id == null || prompt == null || prompt.isBlank()) {
            sink.success(errorResult("invalid arguments: 'sessionId' (or 'conversationId') and 'prompt' are required"));
            return;
        }
        SessionState state = sessionsById.get(id);
        if (state == null || !java.util.Objects.equals(state.principal, principal(exchange))) {
            sink.success(errorResult("unknown session id " + id + ": codex-reply continues a session that the codex tool "
                    + "started on this server"));
            return;
        }
        if (state.current != null) {
            sink.success(errorResult("session " + id + " is still running a turn; wait for its result first"));
            return;
        }
        TurnRun run = new TurnRun(state, exchange, request, sink);
        run.sessionId = id;
        state.current = run;
        run.submitInput(prompt);
    }

    /** For tests: how many idle Codex sessions a principal keeps. */
    void keepSessions(int n) {
        this.sessionsKept = n;
    }

    /**
     * A long-running server (codex serve) must not hold every session it ever opened: beyond
     * {@link #sessionsKept} per principal, the least recently used idle ones are forgotten and
     * released (their event subscriptions end; codex-reply then says the id is unknown).
     */
    private void releaseOldSessions(Object principal) {
        List<SessionState> own = sessionsById.values().stream()
                .filter(st -> java.util.Objects.equals(st.principal, principal)).toList();
        int excess = own.size() - sessionsKept;
        for (SessionState st : own) {
            if (excess <= 0) {
                break;
            }
            if (st.current == null) {
                sessionsById.remove(st.id);
                sessions.release(principal, st.id);
                excess--;
            }
        }
    }

    private void cancel(String mcpSession, String requestId) {
        TurnRun run = runsByRequest.get(runKey(mcpSession, requestId));
        if (run != null) {
            run.cancelled = true;
            if (run.sessionId != null) {
                sessions.submit(run.state.principal, run.sessionId, new Submission("mcp-interrupt-" + submissions.incrementAndGet(),
                        new Submission.Op.Interrupt()));
            }
        }
    }

    private static String runKey(String mcpSession, String requestId) {
        return (mcpSession == null ? "" : mcpSession) + "\u0000" + requestId;
    }

    private static McpSchema.CallToolResult errorResult(String text) {
        return McpSchema.CallToolResult.builder().addTextContent(text).isError(true).build();
    }

    private static String version() {
        String v = CodexMcpServer.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    /** A session this server opened, and the turn (tool call) it is running, if any. */
    private final class SessionState {
        final Object principal;
        String id;
        TurnRun current;

        SessionState(Object principal) {
            this.principal = principal;
        }

        void deliver(Event event) {
            TurnRun run = current;
            if (run != null) {
                run.onEvent(event);
            }
        }
    }

    /** One tools/call: its turn's events, approvals and result. Confined to the server's context. */
    private final class TurnRun {
        final SessionState state;
        final McpAsyncServerExchange exchange;
        final MonoSink<McpSchema.CallToolResult> sink;
        final String requestId;
        final String runKey;
        final Object progressToken;
        String sessionId;
        String error;
        final StringBuilder refused = new StringBuilder();
        double progress;
        boolean cancelled;
        boolean finished;

        TurnRun(SessionState state, McpAsyncServerExchange exchange, McpSchema.CallToolRequest request,
                MonoSink<McpSchema.CallToolResult> sink) {
            this.state = state;
            this.exchange = exchange;
            this.sink = sink;
            Map<String, Object> meta = request.meta() == null ? Map.of() : request.meta();
            var transport = exchange.transportContext();
            String fromHttp = transport == null ? null : transport.get(StreamableHttpTransport.REQUEST_ID) instanceof String s ? s : null;
            this.requestId = fromHttp != null ? fromHttp
                    : meta.get(StdinFilter.REQUEST_ID_META) instanceof String s ? s : null;
            String mcpSession = transport == null ? null
                    : transport.get(StreamableHttpTransport.SESSION) instanceof String s ? s : null;
            this.runKey = requestId == null ? null : runKey(mcpSession, requestId);
            this.progressToken = meta.get("progressToken");
            if (runKey != null) {
                runsByRequest.put(runKey, this);
            }
            sink.onCancel(() -> context.runOnContext(v -> {
                if (!finished && sessionId != null) {
                    sessions.submit(state.principal, sessionId, new Submission("mcp-interrupt-" + submissions.incrementAndGet(),
                            new Submission.Op.Interrupt()));
                }
            }));
        }

        void submitInput(String prompt) {
            sessions.submit(state.principal, sessionId, new Submission("mcp-" + submissions.incrementAndGet(),
                    Submission.Op.UserInput.text(prompt))).onFailure(e -> finish(errorResult("Codex did not accept the prompt: "
                    + e.getMessage())));
        }

        void onEvent(Event event) {
            notifyClient(event);
            EventMsg msg = event.msg();
            if (msg instanceof EventMsg.AgentMessage m) {
                progress(m.message());
            } else if (msg instanceof EventMsg.ExecApprovalRequest r) {
                String what = "run `" + String.join(" ", r.command()) + "` in " + r.cwd();
                approve(r.callId(), r.approvalId(), what, r.reason(), false);
            } else if (msg instanceof EventMsg.ApplyPatchApprovalRequest r) {
                String what = "change " + String.join(", ", r.changes().keySet());
                approve(r.callId(), r.approvalId(), what, r.reason(), true);
            } else if (msg instanceof EventMsg.Error e) {
                error = e.message();
            } else if (msg instanceof EventMsg.TaskComplete t) {
                String text = t.lastAgentMessage() == null ? (error == null ? "" : error) : t.lastAgentMessage();
                if (!refused.isEmpty()) {
                    text = text + (text.isEmpty() ? "" : "\n\n") + refused.toString().strip();
                }
                boolean failed = t.lastAgentMessage() == null && error != null;
                finish(result(text, failed));
            } else if (msg instanceof EventMsg.TurnAborted a) {
                String why = cancelled ? "the turn was interrupted: the client cancelled the request"
                        : "the turn was aborted (" + a.reason() + ")" + (error == null ? "" : ": " + error);
                finish(result(why, true));
            }
        }

        private McpSchema.CallToolResult result(String text, boolean isError) {
            Map<String, Object> structured = new LinkedHashMap<>();
            structured.put("sessionId", sessionId);
            structured.put("content", text);
            return McpSchema.CallToolResult.builder().addTextContent(text).structuredContent(structured)
                    .isError(isError).build();
        }

        private void notifyClient(Event event) {
            Map<String, Object> params = new LinkedHashMap<>();
            params.put("_meta", requestId == null ? Map.of() : Map.of("requestId", rawId(requestId)));
            params.putAll(Json.toJson(event).getMap());
            sent(notifier().apply(EVENT_NOTIFICATION, params).subscribeOn(outbound));
        }

        /** Over HTTP, this request's own stream; over stdio, the one client. */
        @SuppressWarnings("unchecked")
        private BiFunction<String, Object, Mono<Void>> notifier() {
            var transport = exchange.transportContext();
            Object n = transport == null ? null : transport.get(StreamableHttpTransport.NOTIFIER);
            return n instanceof BiFunction<?, ?, ?> f ? (BiFunction<String, Object, Mono<Void>>) f : provider::notifyClients;
        }

        private void progress(String message) {
            if (progressToken == null) {
                return;
            }
            progress += 1;
            sent(exchange.progressNotification(new McpSchema.ProgressNotification(progressToken, progress, null, message))
                    .subscribeOn(outbound));
        }

        private void approve(String callId, String approvalId, String what, String reason, boolean patch) {
            McpSchema.ClientCapabilities caps = exchange.getClientCapabilities();
            if (caps == null || caps.elicitation() == null) {
                refused.append("Refused (this MCP client cannot answer approval requests): ").append(what).append('\n');
                answer(callId, approvalId, "denied", patch);
                return;
            }
            Map<String, Object> decision = new LinkedHashMap<>();
            decision.put("type", "string");
            decision.put("title", "Decision");
            decision.put("description", "approved: this once; approved_for_session: and the same again without asking; "
                    + "denied: refuse, the agent goes on; abort: refuse and stop the turn");
            decision.put("enum", DECISIONS);
            Map<String, Object> schema = Map.of("type", "object", "properties", Map.of("decision", decision),
                    "required", List.of("decision"));
            String message = "Codex wants to " + what + (reason == null || reason.isBlank() ? "" : " (" + reason + ")")
                    + ". Allow it?";
            exchange.createElicitation(new McpSchema.ElicitFormRequest(message, schema, null))
                    .subscribeOn(outbound)
                    .subscribe(r -> context.runOnContext(v -> answer(callId, approvalId, decisionOf(r), patch)),
                            e -> context.runOnContext(v -> answer(callId, approvalId, "abort", patch)));
        }

        private String decisionOf(McpSchema.ElicitResult r) {
            if (r.action() == McpSchema.ElicitResult.Action.ACCEPT) {
                Object d = r.content() == null ? null : r.content().get("decision");
                return d instanceof String s && DECISIONS.contains(s) ? s : "approved";
            }
            return r.action() == McpSchema.ElicitResult.Action.DECLINE ? "denied" : "abort";
        }

        private void answer(String callId, String approvalId, String decision, boolean patch) {
            if (finished) {
                return;
            }
            Submission.Op op = patch ? new Submission.Op.PatchApproval(callId, decision, approvalId, null, null)
                    : new Submission.Op.ExecApproval(callId, decision, approvalId, null, null);
            sessions.submit(state.principal, sessionId, new Submission("mcp-approval-" + submissions.incrementAndGet(), op));
        }

        void finish(McpSchema.CallToolResult result) {
            if (finished) {
                return;
            }
            finished = true;
            if (state.current == this) {
                state.current = null;
            }
            if (runKey != null) {
                runsByRequest.remove(runKey);
            }
            // The result goes out after this call's notifications, and after the client has answered a
            // ping sent behind them. A client stops listening for progress once it has the result, and
            // the TypeScript SDK's client handles a notification a microtask later than a response that
            // arrives in the same read: the progress just before a result was dropped as "unknown token"
            // (the second call's, 1 run in 3). It answers a ping only after the notifications before it.
            java.util.concurrent.CompletableFuture.allOf(inFlight.toArray(java.util.concurrent.CompletableFuture[]::new))
                    .orTimeout(5, java.util.concurrent.TimeUnit.SECONDS)
                    .handle((v, e) -> null)
                    .thenCompose(v -> notified ? drained() : java.util.concurrent.CompletableFuture.completedFuture(null))
                    .whenComplete((v, e) -> sink.success(result));
        }

        /** Completes once the client has answered a ping (at most {@link #PING_BARRIER} later). */
        private java.util.concurrent.CompletableFuture<Void> drained() {
            return exchange.ping().subscribeOn(outbound).timeout(PING_BARRIER).then()
                    .onErrorResume(e -> Mono.empty()).toFuture();
        }

        private final List<java.util.concurrent.CompletableFuture<Void>> inFlight = new java.util.ArrayList<>();

        private boolean notified;

        private void sent(Mono<Void> send) {
            notified = true;
            inFlight.removeIf(java.util.concurrent.CompletableFuture::isDone);
            inFlight.add(send.onErrorResume(e -> Mono.empty()).toFuture());
        }
    }

    /** Who the request authenticated as (HTTP), or null (stdio: whoever started the process). */
    private static Object principal(McpAsyncServerExchange exchange) {
        var transport = exchange.transportContext();
        return transport == null ? null : transport.get(StreamableHttpTransport.PRINCIPAL);
    }

    /** The JSON-RPC id back as the client sent it: a number stays a number. */
    private static Object rawId(String json) {
        try {
            return McpJson.MAPPER.readValue(json, Object.class);
        } catch (IOException e) {
            return json;
        }
    }
}

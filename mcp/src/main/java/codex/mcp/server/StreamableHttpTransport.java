package codex.mcp.server;

import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.spec.HttpHeaders;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpStreamableServerSession;
import io.modelcontextprotocol.spec.McpStreamableServerTransport;
import io.modelcontextprotocol.spec.McpStreamableServerTransportProvider;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.logging.Level;
import java.util.logging.Logger;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * MCP's Streamable HTTP transport on a Vert.x HTTP server, for the SDK's server. The SDK ships
 * this transport only as a servlet (and for Spring), both of which block a thread per request;
 * here the SDK's transport SPI ({@link McpStreamableServerTransportProvider}) is implemented on
 * Vert.x requests instead. The SDK's pipelines run on a scheduler of their own, never on an event
 * loop; what they write hops back onto the request's context.
 *
 * <p>One endpoint: POST carries a JSON-RPC message (initialize opens a session and answers with
 * {@code Mcp-Session-Id}; any other request is answered as a Server-Sent Events stream that
 * carries the request's notifications and server-to-client requests before its response;
 * notifications and responses get 202), GET opens the session's stream for server-initiated
 * messages, DELETE ends the session. A session belongs to the principal that opened it (the
 * caller's authenticated identity): another principal gets 404, as for an unknown id.
 * Authentication and Origin/Host checks are the caller's, before {@link #handle}.
 */
public final class StreamableHttpTransport implements McpStreamableServerTransportProvider {
    /** Keys of the transport context the tool handlers see. */
    public static final String PRINCIPAL = "codex.principal";
    public static final String SESSION = "codex.mcp_session";
    public static final String REQUEST_ID = "codex.request_id";
    /** A {@code BiFunction<String, Object, Mono<Void>>}: a notification on this request's stream. */
    public static final String NOTIFIER = "codex.notifier";
    static final int BODY_LIMIT = 4 * 1024 * 1024;
    static final long KEEP_ALIVE_MS = 15_000;
    static final long IDLE_SESSION_MS = 60 * 60 * 1000;
    /** Beyond this many MCP sessions of one principal, its least recently used idle one is ended. */
    static final int SESSIONS_PER_PRINCIPAL = 32;
    private static final Logger LOG = Logger.getLogger(StreamableHttpTransport.class.getName());

    private final Vertx vertx;
    private final McpJsonMapper json;
    private final Scheduler sdk = Schedulers.newBoundedElastic(4, 10_000, "mcp-http-sdk", 60, true);
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final long sweeper;
    private volatile McpStreamableServerSession.Factory factory;
    private volatile BiConsumer<String, String> onCancelled = (session, request) -> { };
    private volatile boolean closing;

    /** One MCP session: the SDK's, whose it is, and how many of its streams are open. */
    private static final class Session {
        final McpStreamableServerSession sdk;
        final Object principal;
        final AtomicInteger openStreams = new AtomicInteger();
        volatile long lastUsed = System.currentTimeMillis();

        Session(McpStreamableServerSession sdk, Object principal) {
            this.sdk = sdk;
            this.principal = principal;
        }
    }

    public StreamableHttpTransport(Vertx vertx, McpJsonMapper json) {
        this.vertx = vertx;
        this.json = json;
        this.sweeper = vertx.setPeriodic(60_000, t -> dropIdleSessions());
    }

    /** Told (MCP session id, the request id as JSON text) when a client cancels a request. */
    public void onCancelled(BiConsumer<String, String> listener) {
        this.onCancelled = listener;
    }

    @Override
    public void setSessionFactory(McpStreamableServerSession.Factory sessionFactory) {
        this.factory = sessionFactory;
    }

    @Override
    public List<String> protocolVersions() {
        return List.of("2025-03-26", "2025-06-18", "2025-11-25");
    }

    /** Number of live sessions (for tests and logs). */
    public int sessionCount() {
        return sessions.size();
    }

    /**
     * Serves one request to the MCP endpoint; call it on the request's event loop, with the request
     * not yet read. {@code principal} is who the request authenticated as (compared with equals).
     */
    public void handle(HttpServerRequest request, Object principal) {
        if (closing || factory == null) {
            request.resume();
            fail(request.response(), 503, -32000, "the MCP server is shutting down");
            return;
        }
        HttpMethod method = request.method();
        if (HttpMethod.POST.equals(method)) {
            post(request, principal);
        } else if (HttpMethod.GET.equals(method)) {
            request.resume();
            get(request, principal);
        } else if (HttpMethod.DELETE.equals(method)) {
            request.resume();
            delete(request, principal);
        } else {
            request.resume();
            request.response().putHeader("Allow", "GET, POST, DELETE");
            fail(request.response(), 405, -32000, "method not allowed: use POST, GET or DELETE");
        }
    }

    private void post(HttpServerRequest request, Object principal) {
        HttpServerResponse response = request.response();
        String accept = request.getHeader("Accept");
        if (!accepts(accept, "application/json") || !accepts(accept, "text/event-stream")) {
            request.resume();
            fail(response, 406, -32000, "Not Acceptable: the client must accept both application/json and text/event-stream");
            return;
        }
        String type = request.getHeader("Content-Type");
        if (type == null || !type.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
            request.resume();
            fail(response, 415, -32000, "Unsupported Media Type: the body must be application/json");
            return;
        }
        String length = request.getHeader("Content-Length");
        if (length != null && parseLong(length) > BODY_LIMIT) {
            request.resume();
            tooLarge(response);
            return;
        }
        Buffer body = Buffer.buffer();
        boolean[] refused = {false};
        request.handler(chunk -> {
            if (refused[0]) {
                return;
            }
            if (body.length() + chunk.length() > BODY_LIMIT) {
                refused[0] = true;
                tooLarge(response);
                return;
            }
            body.appendBuffer(chunk);
        });
        request.endHandler(v -> {
            if (!refused[0]) {
                onMessage(request, principal, body.toString(StandardCharsets.UTF_8));
            }
        });
        request.exceptionHandler(e -> refused[0] = true);
        request.resume();
    }

    private void onMessage(HttpServerRequest request, Object principal, String body) {
        HttpServerResponse response = request.response();
        McpSchema.JSONRPCMessage message;
        try {
            if (body.strip().startsWith("[")) {
                fail(response, 400, -32600, "Invalid Request: JSON-RPC batches are not supported");
                return;
            }
            message = McpSchema.deserializeJsonRpcMessage(json, body);
        } catch (Exception e) {
            fail(response, 400, -32700, "Parse error: not a JSON-RPC message");
            return;
        }
        if (message instanceof McpSchema.JSONRPCRequest req && McpSchema.METHOD_INITIALIZE.equals(req.method())) {
            initialize(request, principal, req);
            return;
        }
        String version = request.getHeader(HttpHeaders.PROTOCOL_VERSION);
        if (version != null && !protocolVersions().contains(version)) {
            fail(response, 400, -32000, "Bad Request: unsupported MCP-Protocol-Version " + version
                    + " (supported: " + String.join(", ", protocolVersions()) + ")");
            return;
        }
        String sessionId = request.getHeader(HttpHeaders.MCP_SESSION_ID);
        Session session = session(response, sessionId, principal);
        if (session == null) {
            return;
        }
        Context context = Vertx.currentContext();
        if (message instanceof McpSchema.JSONRPCResponse res) {
            session.sdk.accept(res).subscribeOn(sdk).subscribe(null,
                    e -> context.runOnContext(v -> fail(response, 400, -32600, "Bad Request: " + e.getMessage())),
                    () -> context.runOnContext(v -> accepted(response)));
        } else if (message instanceof McpSchema.JSONRPCNotification n) {
            if ("notifications/cancelled".equals(n.method()) && n.params() instanceof Map<?, ?> params
                    && params.get("requestId") != null) {
                try {
                    onCancelled.accept(sessionId, json.writeValueAsString(params.get("requestId")));
                } catch (Exception e) {
                    LOG.log(Level.FINE, "cancel listener failed", e);
                }
            }
            session.sdk.accept(n).subscribeOn(sdk).subscribe(null,
                    e -> context.runOnContext(v -> accepted(response)),
                    () -> context.runOnContext(v -> accepted(response)));
        } else if (message instanceof McpSchema.JSONRPCRequest req) {
            respondWithStream(request, session, sessionId, principal, req);
        } else {
            fail(response, 400, -32600, "Invalid Request");
        }
    }

    private void initialize(HttpServerRequest request, Object principal, McpSchema.JSONRPCRequest req) {
        HttpServerResponse response = request.response();
        McpSchema.InitializeRequest init;
        try {
            init = json.convertValue(req.params(), new TypeRef<McpSchema.InitializeRequest>() { });
        } catch (Exception e) {
            fail(response, 400, -32602, "Invalid params of initialize");
            return;
        }
        if (!makeRoomFor(principal)) {
            fail(response, 429, -32000, "too many MCP sessions with requests in flight for this identity ("
                    + SESSIONS_PER_PRINCIPAL + "); end one with DELETE");
            return;
        }
        Context context = Vertx.currentContext();
        Mono.defer(() -> {
            McpStreamableServerSession.McpStreamableServerSessionInit started = factory.startSession(init);
            McpStreamableServerSession s = started.session();
            sessions.put(s.getId(), new Session(s, principal));
            return started.initResult().map(result -> Map.entry(s.getId(), result));
        }).subscribeOn(sdk).subscribe(
                done -> {
                    String text;
                    try {
                        text = json.writeValueAsString(McpSchema.JSONRPCResponse.result(req.id(), done.getValue()));
                    } catch (Exception e) {
                        context.runOnContext(v -> fail(response, 500, -32603, "Internal error"));
                        return;
                    }
                    context.runOnContext(v -> {
                        if (!response.ended() && !response.closed()) {
                            response.setStatusCode(200).putHeader("Content-Type", "application/json")
                                    .putHeader(HttpHeaders.MCP_SESSION_ID, done.getKey()).end(text);
                        }
                    });
                },
                e -> context.runOnContext(v -> fail(response, 500, -32603, "Internal error: could not initialize: "
                        + e.getMessage())));
    }

    private void respondWithStream(HttpServerRequest request, Session session, String sessionId, Object principal,
                                   McpSchema.JSONRPCRequest req) {
        SseStream stream = new SseStream(request.response(), Vertx.currentContext(), session);
        stream.open();
        Map<String, Object> values = new HashMap<>();
        if (principal != null) {
            values.put(PRINCIPAL, principal);
        }
        values.put(SESSION, sessionId);
        try {
            values.put(REQUEST_ID, json.writeValueAsString(req.id()));
        } catch (Exception e) {
            values.put(REQUEST_ID, String.valueOf(req.id()));
        }
        BiFunction<String, Object, Mono<Void>> notifier = (method, params) ->
                stream.sendMessage(new McpSchema.JSONRPCNotification(method, params), null);
        values.put(NOTIFIER, notifier);
        McpTransportContext transportContext = McpTransportContext.create(values);
        session.sdk.responseStream(req, stream)
                .contextWrite(c -> c.put(McpTransportContext.KEY, transportContext))
                .subscribeOn(sdk)
                .subscribe(null, e -> {
                    LOG.log(Level.FINE, "MCP request stream failed", e);
                    stream.close();
                });
    }

    private void get(HttpServerRequest request, Object principal) {
        HttpServerResponse response = request.response();
        if (!accepts(request.getHeader("Accept"), "text/event-stream")) {
            fail(response, 406, -32000, "Not Acceptable: the client must accept text/event-stream");
            return;
        }
        Session session = session(response, request.getHeader(HttpHeaders.MCP_SESSION_ID), principal);
        if (session == null) {
            return;
        }
        if (session.sdk.hasListeningStream()) {
            fail(response, 409, -32000, "Conflict: this session already has a stream open for server messages");
            return;
        }
        SseStream stream = new SseStream(response, Vertx.currentContext(), session);
        stream.open();
        McpStreamableServerSession.McpStreamableServerSessionStream listening = session.sdk.listeningStream(stream);
        stream.whenGone(() -> sdk.schedule(listening::close));
    }

    private void delete(HttpServerRequest request, Object principal) {
        HttpServerResponse response = request.response();
        String sessionId = request.getHeader(HttpHeaders.MCP_SESSION_ID);
        Session session = session(response, sessionId, principal);
        if (session == null) {
            return;
        }
        sessions.remove(sessionId);
        Context context = Vertx.currentContext();
        session.sdk.delete().subscribeOn(sdk).subscribe(null,
                e -> context.runOnContext(v -> response.setStatusCode(200).end()),
                () -> context.runOnContext(v -> response.setStatusCode(200).end()));
    }

    /** The session of this id if it is the principal's; otherwise answers 400/404 and returns null. */
    private Session session(HttpServerResponse response, String sessionId, Object principal) {
        if (sessionId == null || sessionId.isBlank()) {
            fail(response, 400, -32000, "Bad Request: Mcp-Session-Id header is required (initialize first)");
            return null;
        }
        Session session = sessions.get(sessionId);
        if (session == null || !Objects.equals(session.principal, principal)) {
            fail(response, 404, -32001, "Session not found: initialize a new session");
            return null;
        }
        session.lastUsed = System.currentTimeMillis();
        return session;
    }

    /**
     * Clients often never DELETE their sessions: at {@link #SESSIONS_PER_PRINCIPAL}, the principal's
     * least recently used session without an open stream is ended. False when all of them are busy.
     */
    private boolean makeRoomFor(Object principal) {
        List<Map.Entry<String, Session>> own = sessions.entrySet().stream()
                .filter(e -> Objects.equals(e.getValue().principal, principal)).toList();
        if (own.size() < SESSIONS_PER_PRINCIPAL) {
            return true;
        }
        var idle = own.stream().filter(e -> e.getValue().openStreams.get() == 0)
                .min(java.util.Comparator.comparingLong(e -> e.getValue().lastUsed)).orElse(null);
        if (idle == null) {
            return false;
        }
        if (sessions.remove(idle.getKey(), idle.getValue())) {
            idle.getValue().sdk.closeGracefully().subscribeOn(sdk).subscribe(null, err -> { });
        }
        return true;
    }

    private void dropIdleSessions() {
        long now = System.currentTimeMillis();
        sessions.entrySet().removeIf(e -> {
            Session s = e.getValue();
            boolean idle = s.openStreams.get() == 0 && now - s.lastUsed > IDLE_SESSION_MS;
            if (idle) {
                s.sdk.closeGracefully().subscribeOn(sdk).subscribe(null, err -> { });
            }
            return idle;
        });
    }

    @Override
    public Mono<Void> notifyClients(String method, Object params) {
        return Flux.fromIterable(List.copyOf(sessions.values()))
                .flatMap(s -> s.sdk.sendNotification(method, params).onErrorResume(e -> Mono.empty()))
                .then();
    }

    @Override
    public Mono<Void> notifyClient(String sessionId, String method, Object params) {
        return Mono.defer(() -> {
            Session s = sessions.get(sessionId);
            return s == null ? Mono.empty() : s.sdk.sendNotification(method, params);
        });
    }

    @Override
    public Mono<Void> closeGracefully() {
        return Mono.defer(() -> {
            closing = true;
            vertx.cancelTimer(sweeper);
            List<Session> all = List.copyOf(sessions.values());
            sessions.clear();
            return Flux.fromIterable(all).flatMap(s -> s.sdk.closeGracefully().onErrorResume(e -> Mono.empty())).then();
        }).doFinally(signal -> sdk.dispose());
    }

    private static boolean accepts(String accept, String type) {
        if (accept == null) {
            return false;
        }
        for (String part : accept.split(",")) {
            String t = part.split(";")[0].trim().toLowerCase(java.util.Locale.ROOT);
            if (t.equals(type) || t.equals("*/*")) {
                return true;
            }
        }
        return false;
    }

    private static long parseLong(String s) {
        try {
            return Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static void accepted(HttpServerResponse response) {
        if (!response.ended() && !response.closed()) {
            response.setStatusCode(202).end();
        }
    }

    private static void tooLarge(HttpServerResponse response) {
        response.putHeader("Connection", "close");
        fail(response, 413, -32000, "the body is larger than " + BODY_LIMIT / 1024 / 1024 + " MiB");
    }

    /** A JSON-RPC error as the body of an HTTP error (the shape MCP clients read). */
    static void fail(HttpServerResponse response, int status, int code, String message) {
        if (response.ended() || response.closed() || response.headWritten()) {
            return;
        }
        String body = new io.vertx.core.json.JsonObject().put("jsonrpc", "2.0").putNull("id")
                .put("error", new io.vertx.core.json.JsonObject().put("code", code).put("message", message)).encode();
        response.setStatusCode(status).putHeader("Content-Type", "application/json").end(body);
    }

    /**
     * One SSE response: a request's stream or the session's GET stream. Messages are written on
     * the request's context, in the order they were handed over; closing ends the response after them.
     */
    private final class SseStream implements McpStreamableServerTransport {
        private final HttpServerResponse response;
        private final Context context;
        private final Session session;
        private boolean ended;
        private long keepAlive = -1;
        private Runnable gone = () -> { };

        SseStream(HttpServerResponse response, Context context, Session session) {
            this.response = response;
            this.context = context;
            this.session = session;
        }

        /** On the request's context: the headers and a first comment, so the client sees the stream at once. */
        void open() {
            session.openStreams.incrementAndGet();
            response.setStatusCode(200).setChunked(true)
                    .putHeader("Content-Type", "text/event-stream")
                    .putHeader("Cache-Control", "no-cache")
                    .putHeader("X-Accel-Buffering", "no");
            response.write(": stream\n\n");
            keepAlive = vertx.setPeriodic(KEEP_ALIVE_MS, t -> {
                if (!ended && !response.closed()) {
                    response.write(": keep-alive\n\n");
                }
            });
            response.closeHandler(v -> {
                finished();
                gone.run();
            });
        }

        /** Run when the client drops the connection before the stream ended. */
        void whenGone(Runnable r) {
            gone = r;
        }

        private void finished() {
            if (keepAlive >= 0) {
                vertx.cancelTimer(keepAlive);
                keepAlive = -1;
                session.openStreams.decrementAndGet();
                session.lastUsed = System.currentTimeMillis();
            }
        }

        @Override
        public Mono<Void> sendMessage(McpSchema.JSONRPCMessage message) {
            return sendMessage(message, null);
        }

        @Override
        public Mono<Void> sendMessage(McpSchema.JSONRPCMessage message, String messageId) {
            return Mono.create(sink -> {
                String text;
                try {
                    text = json.writeValueAsString(message);
                } catch (Exception e) {
                    sink.error(e);
                    return;
                }
                context.runOnContext(v -> {
                    if (ended || response.closed()) {
                        sink.success(); // the client went away; a message it no longer waits for is dropped
                        return;
                    }
                    String frame = "event: message\n" + (messageId == null ? "" : "id: " + messageId + "\n")
                            + "data: " + text + "\n\n";
                    response.write(frame).onComplete(ar -> {
                        if (ar.succeeded()) {
                            sink.success();
                        } else {
                            sink.error(ar.cause());
                        }
                    });
                });
            });
        }

        @Override
        public <T> T unmarshalFrom(Object data, TypeRef<T> typeRef) {
            return json.convertValue(data, typeRef);
        }

        @Override
        public Mono<Void> closeGracefully() {
            return Mono.create(sink -> context.runOnContext(v -> {
                end();
                sink.success();
            }));
        }

        @Override
        public void close() {
            context.runOnContext(v -> end());
        }

        private void end() {
            if (!ended) {
                ended = true;
                if (!response.ended() && !response.closed()) {
                    response.end();
                }
                finished();
            }
        }
    }
}

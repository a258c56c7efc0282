package codex.gateway;

import codex.protocol.Event;
import codex.protocol.Json;
import codex.protocol.Submission;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * The HTTP door of the gateway (API v1, documented in gateway/README.md): create or resume a
 * session, send submissions, and follow its events as Server-Sent Events with replay from
 * {@code Last-Event-ID}. It is a client of the event-bus gateway like any other front end.
 * Every /api route needs {@code Authorization: Bearer <token>}: the API runs commands.
 */
public class HttpGatewayVerticle extends VerticleBase {
    static final long HEARTBEAT_MS = 15_000;
    private final SessionFactory sessions;
    private final RecordedSessions recorded;
    private final byte[] token;
    private final String host;
    private final int port;
    private HttpServer server;
    private GatewayClient client;

    public HttpGatewayVerticle(SessionFactory sessions, RecordedSessions recorded, String token, String host, int port) {
        if (token == null || token.length() < 16) {
            throw new IllegalArgumentException("the HTTP API needs a token of at least 16 characters");
        }
        this.sessions = sessions;
        this.recorded = recorded;
        this.token = token.getBytes(StandardCharsets.UTF_8);
        this.host = host;
        this.port = port;
    }

    /** The port actually bound (useful with port 0). */
    public int actualPort() {
        return server.actualPort();
    }

    @Override
    public Future<?> start() {
        client = new GatewayClient(vertx);
        Router router = Router.router(vertx);
        router.get("/api/v1/health").handler(ctx -> json(ctx, 200, new JsonObject().put("ok", true)));
        router.route("/api/*").handler(this::authorize);
        // before the body handler: an upgrade request has no body to read
        router.get("/api/v1/sessions/:id/ws").handler(this::webSocket);
        router.route("/api/*").handler(BodyHandler.create().setBodyLimit(8 * 1024 * 1024));
        router.post("/api/v1/sessions").handler(this::createSession);
        router.get("/api/v1/sessions").handler(this::listSessions);
        router.post("/api/v1/sessions/:id/submissions").handler(this::submit);
        router.get("/api/v1/sessions/:id/events").handler(this::events);
        router.route("/api/*").last().handler(ctx -> error(ctx, 404, "no such endpoint: " + ctx.request().method()
                + " " + ctx.request().path() + " (see gateway/README.md for the API)"));
        server = vertx.createHttpServer().requestHandler(router);
        return server.listen(port, host);
    }

    private void authorize(RoutingContext ctx) {
        String header = ctx.request().getHeader("Authorization");
        String given = header != null && header.startsWith("Bearer ") ? header.substring(7).trim()
                : ctx.request().getParam("access_token"); // EventSource cannot set headers
        if (given == null || !MessageDigest.isEqual(token, given.getBytes(StandardCharsets.UTF_8))) {
            ctx.response().putHeader("WWW-Authenticate", "Bearer");
            error(ctx, 401, "missing or wrong token: send Authorization: Bearer <token> (see `codex serve --help`)");
            return;
        }
        ctx.next();
    }

    private void createSession(RoutingContext ctx) {
        JsonObject body;
        try {
            body = ctx.body().asJsonObject();
        } catch (RuntimeException e) {
            error(ctx, 400, "the body must be a JSON object: " + e.getMessage());
            return;
        }
        if (body == null) {
            body = new JsonObject();
        }
        JsonObject request = body;
        // config files are read on a worker
        vertx.executeBlocking(() -> sessions.create(request), false)
                .compose(config -> client.createSession(config, request.getString("resume_session_id")).map(id -> id))
                .onSuccess(id -> json(ctx, 201, new JsonObject().put("session_id", id)
                        .put("events_url", "/api/v1/sessions/" + id + "/events")
                        .put("submissions_url", "/api/v1/sessions/" + id + "/submissions")))
                .onFailure(err -> error(ctx, err instanceof IllegalArgumentException ? 400
                        : err instanceof ReplyException re && re.failureCode() == 404 ? 404 : 400, err.getMessage()));
    }

    private void listSessions(RoutingContext ctx) {
        int limit = parseInt(ctx.request().getParam("limit"), 20);
        vertx.executeBlocking(() -> recorded.list(limit), false)
                .onSuccess(list -> json(ctx, 200, new JsonObject().put("sessions", list)))
                .onFailure(err -> error(ctx, 500, "could not list sessions: " + err.getMessage()));
    }

    private void submit(RoutingContext ctx) {
        String id = ctx.pathParam("id");
        Submission submission;
        try {
            submission = Json.decode(ctx.body().asString(), Submission.class);
            if (submission.op() == null) {
                throw new IllegalArgumentException("missing op");
            }
        } catch (RuntimeException e) {
            error(ctx, 400, "not a valid submission ({\"id\": …, \"op\": {\"type\": …}}): " + e.getMessage());
            return;
        }
        client.submit(id, submission)
                .onSuccess(v -> json(ctx, 202, new JsonObject().put("accepted", true)))
                .onFailure(err -> error(ctx, 404, err.getMessage()));
    }

    private void events(RoutingContext ctx) {
        String id = ctx.pathParam("id");
        long after = parseLong(ctx.request().getHeader("Last-Event-ID"), parseLong(ctx.request().getParam("after"), 0));
        HttpServerResponse response = ctx.response();
        response.setChunked(true)
                .putHeader("Content-Type", "text/event-stream; charset=utf-8")
                .putHeader("Cache-Control", "no-cache")
                .putHeader("X-Accel-Buffering", "no");
        response.write(": session " + id + "\n\n");
        client.subscribe(id, after, event -> writeEvent(response, event)).onSuccess(consumer -> {
            long heartbeat = vertx.setPeriodic(HEARTBEAT_MS, t -> {
                if (!response.closed()) {
                    response.write(": keep-alive\n\n");
                }
            });
            response.closeHandler(v -> close(consumer, heartbeat));
            response.exceptionHandler(e -> close(consumer, heartbeat));
        }).onFailure(err -> response.end("event: error\ndata: " + new JsonObject().put("message", err.getMessage())
                .encode() + "\n\n"));
    }

    /**
     * Both directions on one connection: every event as a text frame (the same JSON as the SSE
     * data), and every text frame from the client taken as a submission. {@code ?after=N} replays.
     */
    private void webSocket(RoutingContext ctx) {
        String id = ctx.pathParam("id");
        long after = parseLong(ctx.request().getParam("after"), 0);
        ctx.request().toWebSocket().onSuccess(ws -> {
            var state = new Object() {
                MessageConsumer<JsonObject> consumer;
                boolean closed;
            };
            ws.closeHandler(v -> {
                state.closed = true;
                if (state.consumer != null) {
                    state.consumer.unregister();
                }
            });
            ws.textMessageHandler(text -> {
                Submission submission;
                try {
                    submission = Json.decode(text, Submission.class);
                    if (submission.op() == null) {
                        throw new IllegalArgumentException("missing op");
                    }
                } catch (RuntimeException e) {
                    ws.writeTextMessage(new JsonObject().put("error", new JsonObject().put("message",
                            "not a valid submission: " + e.getMessage())).encode());
                    return;
                }
                client.submit(id, submission).onFailure(err -> ws.writeTextMessage(new JsonObject()
                        .put("error", new JsonObject().put("message", err.getMessage())).encode()));
            });
            client.subscribe(id, after, event -> {
                if (!state.closed) {
                    ws.writeTextMessage(Json.encode(event));
                }
            }).onSuccess(consumer -> {
                state.consumer = consumer;
                if (state.closed) {
                    consumer.unregister();
                }
            });
        }).onFailure(err -> error(ctx, 400, "WebSocket upgrade failed: " + err.getMessage()));
    }

    private void close(MessageConsumer<JsonObject> consumer, long heartbeat) {
        vertx.cancelTimer(heartbeat);
        consumer.unregister();
    }

    private static void writeEvent(HttpServerResponse response, Event event) {
        if (!response.closed()) {
            response.write("id: " + event.seq() + "\nevent: " + event.type() + "\ndata: " + Json.encode(event) + "\n\n");
        }
    }

    private static void json(RoutingContext ctx, int status, JsonObject body) {
        ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.encode());
    }

    private static void error(RoutingContext ctx, int status, String message) {
        json(ctx, status, new JsonObject().put("error", new JsonObject().put("message", message)));
    }

    private static int parseInt(String s, int fallback) {
        try {
            return s == null ? fallback : Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    private static long parseLong(String s, long fallback) {
        try {
            return s == null ? fallback : Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    @Override
    public Future<?> stop() {
        return server == null ? Future.succeededFuture() : server.close();
    }
}

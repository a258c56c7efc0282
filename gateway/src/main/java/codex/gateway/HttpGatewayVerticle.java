package codex.gateway;

import codex.gateway.http.ApiException;
import codex.gateway.http.CreateSessionRequest;
import codex.gateway.http.GatewaySettings;
import codex.gateway.http.HostCheck;
import codex.gateway.http.Identity;
import codex.gateway.http.SessionOwners;
import codex.gateway.http.TokenRegistry;
import codex.gateway.http.WebLogins;
import codex.protocol.Event;
import codex.protocol.Addresses;
import codex.protocol.ApprovalMessages.Approval;
import codex.protocol.ApprovalMessages.InboxEntry;
import codex.protocol.ApprovalMessages.InboxList;
import codex.protocol.ApprovalMessages.InboxRequest;
import codex.protocol.BusRequests;
import codex.protocol.Json;
import codex.protocol.ServicePing;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import codex.protocol.Submission;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.CorsHandler;
import java.util.Locale;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * The HTTP door of the gateway (API v1, documented in gateway/README.md): create or resume a
 * session, send submissions, and follow its events as Server-Sent Events or a WebSocket with
 * replay. It is a client of the event-bus gateway like any other front end. Every /api route
 * needs a token from {@link TokenRegistry}; a session belongs to the identity that created it,
 * and what a client may ask for is bounded by the server's {@link codex.gateway.http.ServerPolicy}.
 */
public class HttpGatewayVerticle extends VerticleBase {
    static final long HEARTBEAT_MS = 15_000;
    static final int BODY_LIMIT = 8 * 1024 * 1024;
    static final long READY_TIMEOUT_MS = 2_000;
    private static final io.vertx.core.eventbus.DeliveryOptions APPROVALS_CALL =
            new io.vertx.core.eventbus.DeliveryOptions().setSendTimeout(30_000);
    private static final Logger ACCESS_LOG = Logger.getLogger("codex.gateway.access");
    /** Event-bus addresses never reach an HTTP client: they are internals of the deployment. */
    private static final Pattern BUS_ADDRESS = Pattern.compile("codex\\.[a-z_.]+\\.v1(\\.[\\w-]+)?");
    static final String IDENTITY = "codex.identity";
    static final String BROWSER_SESSION = "codex.browser_session";

    private final SessionFactory sessions;
    private final RecordedSessions recorded;
    private final TokenRegistry tokens;
    private final GatewaySettings settings;
    private final SessionOwners owners;
    private final HostCheck hostCheck;
    private final String host;
    private final int port;
    private final WebClient web;
    private final SessionStates states = new SessionStates();
    private HttpServer server;
    private GatewayClient client;
    private PrometheusMeterRegistry metrics;
    private SessionAudit audit;
    private Router router;
    private McpEndpoint mcp;
    /** The OpenAPI 3.1 document of this API (a resource, read once). */
    private static final Buffer OPENAPI = openApiDocument();

    /**
     * @param tokens every token accepted (configured identities and the single-admin token)
     * @param owners who created each session (persisted by the caller's choice of file)
     */
    public HttpGatewayVerticle(SessionFactory sessions, RecordedSessions recorded, TokenRegistry tokens,
                               GatewaySettings settings, SessionOwners owners, String host, int port) {
        this(sessions, recorded, tokens, settings, owners, new WebLogins(), host, port);
    }

    /** @param logins browser logins of the web client (the caller may issue a login link's code on it) */
    public HttpGatewayVerticle(SessionFactory sessions, RecordedSessions recorded, TokenRegistry tokens,
                               GatewaySettings settings, SessionOwners owners, WebLogins logins, String host, int port) {
        if (tokens.isEmpty()) {
            throw new IllegalArgumentException("the HTTP API needs at least one token");
        }
        this.sessions = sessions;
        this.recorded = recorded;
        this.tokens = tokens;
        this.settings = settings;
        this.owners = owners;
        this.hostCheck = new HostCheck(settings.allowedHosts(), settings.corsOrigins(), host);
        this.host = host;
        this.port = port;
        this.web = new WebClient(logins, tokens, settings.policy());
    }

    /** Serves {@code GET /api/v1/sessions/{id}/audit} from this durable log (without it, the route answers 404). */
    public HttpGatewayVerticle withAudit(SessionAudit audit) {
        this.audit = audit;
        return this;
    }

    /**
     * What serves {@code /mcp}: an MCP server over Streamable HTTP (the cli wires the mcp module's).
     * Each request reaches it authenticated (the same tokens as /api) and Host/Origin-checked.
     */
    @FunctionalInterface
    public interface McpEndpoint {
        /** On the request's event loop, the request not yet read. */
        void handle(io.vertx.core.http.HttpServerRequest request, Identity identity);
    }

    /** Serves {@code /mcp} (GET, POST, DELETE) with this endpoint (without it, /mcp answers 404). Call before deploying. */
    public HttpGatewayVerticle withMcp(McpEndpoint endpoint) {
        this.mcp = endpoint;
        return this;
    }

    /** Serves {@code GET /metrics} from this registry (without it, /metrics answers 404). Call before deploying. */
    public HttpGatewayVerticle withMetrics(PrometheusMeterRegistry registry) {
        this.metrics = registry;
        return this;
    }

    /**
     * {@code "METHOD /path"} of every route served, with path parameters as OpenAPI writes them
     * ({@code {id}}): what the OpenAPI document must describe, no more and no less.
     */
    public java.util.SortedSet<String> routes() {
        java.util.SortedSet<String> out = new java.util.TreeSet<>();
        for (var route : router.getRoutes()) {
            if (route.getPath() == null || route.methods() == null || route.methods().isEmpty()) {
                continue; // handlers for every request (log, host check, token) and the catch-alls
            }
            String path = route.getPath().replaceAll(":(\\w+)", "{$1}");
            if (!path.startsWith("/api/") && !path.equals("/metrics")) {
                continue; // the web client's page and assets (gateway/README.md, "Web client")
            }
            route.methods().forEach(m -> out.add(m.name() + " " + path));
        }
        return out;
    }

    private static Buffer openApiDocument() {
        try (var in = HttpGatewayVerticle.class.getResourceAsStream("openapi.json")) {
            if (in == null) {
                throw new IllegalStateException("openapi.json is missing from the gateway's jar");
            }
            return Buffer.buffer(in.readAllBytes());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The port actually bound (useful with port 0). */
    public int actualPort() {
        return server.actualPort();
    }

    @Override
    public Future<?> start() {
        client = new GatewayClient(vertx);
        vertx.eventBus().consumer(codex.protocol.Addresses.GATEWAY_EVENTS_IN, m -> {
            if (m.body() instanceof Event event) {
                states.accept(event);
            } else if (m.body() instanceof JsonObject json) {
                states.accept(json); // another sender's JSON
            }
        });
        router = Router.router(vertx);
        router.route().handler(this::accessLog);
        router.route().handler(this::checkHostAndOrigin);
        router.route().handler(ctx -> {
            try {
                ctx.request().params(); // decoded once here: a bad query is the client's error, not a 500 later
            } catch (RuntimeException e) {
                error(ctx, ApiException.badRequest("the query string could not be decoded (bad percent-encoding?)"));
                return;
            }
            ctx.next();
        });
        if (!settings.corsOrigins().isEmpty()) {
            router.route("/api/*").handler(CorsHandler.create().addOrigins(java.util.List.copyOf(settings.corsOrigins()))
                    .allowedMethod(HttpMethod.GET).allowedMethod(HttpMethod.POST)
                    .allowedHeader("Authorization").allowedHeader("Content-Type").allowedHeader("Last-Event-ID"));
        }
        router.get("/api/v1/health").handler(ctx -> json(ctx, 200, new JsonObject().put("ok", true)));
        router.get("/api/v1/ready").handler(this::ready);
        router.get("/api/v1/openapi.json").handler(ctx -> ctx.response().putHeader("Content-Type", "application/json")
                .end(OPENAPI));
        if (metrics != null) {
            router.get("/metrics").handler(this::authorize).handler(this::scrape);
        }
        if (mcp != null) {
            router.route("/mcp").handler(this::authorize).handler(ctx -> mcp.handle(ctx.request(), ctx.get(IDENTITY)));
        }
        web.mountPublic(router);
        // path-less, so Vert.x's HTTP meters label each request by its own route pattern alone
        router.route().handler(ctx -> {
            if (ctx.normalizedPath().startsWith("/api/")) {
                authorize(ctx);
            } else {
                ctx.next();
            }
        });
        web.mountPrivate(router);
        router.get("/api/v1/sessions/:id/ws").handler(this::webSocket);
        router.post("/api/v1/sessions").handler(jsonBody(this::createSession));
        router.get("/api/v1/sessions").handler(this::listSessions);
        router.post("/api/v1/sessions/:id/submissions").handler(jsonBody(this::submit));
        router.get("/api/v1/sessions/:id/events").handler(this::events);
        router.get("/api/v1/sessions/:id/audit").handler(this::audit);
        router.get("/api/v1/approvals").handler(this::listApprovals);
        router.post("/api/v1/approvals/:approval").handler(jsonBody(this::answerApproval));
        router.route("/api/*").last().handler(ctx -> error(ctx, new ApiException(404, "not_found",
                "no such endpoint: " + ctx.request().method() + " " + ctx.request().path()
                        + " (see gateway/README.md for the API)")));
        router.route().last().handler(ctx -> error(ctx, ApiException.notFound("nothing here; the API is under /api/v1")));
        router.errorHandler(500, ctx -> error(ctx, new ApiException(500, "internal", "internal error; see the server's log")));
        // what the router itself refuses (a path or query it cannot decode, …) gets the one error shape too
        for (int status : new int[]{400, 405, 413, 414, 415, 431}) {
            router.errorHandler(status, ctx -> error(ctx, new ApiException(status, status == 400 ? "bad_request" : "refused",
                    status == 400 ? "the request line could not be decoded (bad percent-encoding?)"
                            : "the request was refused (HTTP " + status + ")")));
        }
        if (settings.approvalTimeoutSeconds() > 0) {
            long every = Math.max(200, Math.min(1_000, settings.approvalTimeoutSeconds() * 250));
            vertx.setPeriodic(every, t -> denyExpiredApprovals());
        }
        server = vertx.createHttpServer().requestHandler(router);
        return web.load(vertx).compose(v -> server.listen(port, host));
    }

    /** Live is /health; ready means every service answers its ping on the bus (within {@link #READY_TIMEOUT_MS}). */
    private void ready(RoutingContext ctx) {
        java.util.List<Future<Boolean>> probes = ServicePing.SERVICES.stream()
                .map(s -> ServicePing.probe(vertx, s, READY_TIMEOUT_MS)).toList();
        Future.join(probes).onComplete(done -> {
            JsonObject services = new JsonObject();
            java.util.List<String> down = new java.util.ArrayList<>();
            for (int i = 0; i < probes.size(); i++) {
                boolean ok = Boolean.TRUE.equals(probes.get(i).result());
                services.put(ServicePing.SERVICES.get(i), ok ? "ok" : "unreachable");
                if (!ok) {
                    down.add(ServicePing.SERVICES.get(i));
                }
            }
            JsonObject body = new JsonObject().put("ready", down.isEmpty()).put("services", services);
            if (!down.isEmpty()) {
                body.put("error", new JsonObject().put("code", "not_ready")
                        .put("message", "not reachable on the event bus: " + String.join(", ", down)));
            }
            json(ctx, down.isEmpty() ? 200 : 503, body);
        });
    }

    /** Prometheus text format: Vert.x's HTTP and event-bus meters and the gateway's own (gateway/README.md lists them). */
    private void scrape(RoutingContext ctx) {
        ctx.response().putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8").end(metrics.scrape());
    }

    /** Method, path (never the query: it may hold a token), status, duration, identity. */
    private void accessLog(RoutingContext ctx) {
        long started = System.nanoTime();
        ctx.addEndHandler(v -> {
            Identity who = ctx.get(IDENTITY);
            ACCESS_LOG.info(() -> ctx.request().method() + " " + ctx.request().path() + " "
                    + ctx.response().getStatusCode() + " " + (System.nanoTime() - started) / 1_000_000 + "ms "
                    + (who == null ? "-" : who.name()));
        });
        ctx.next();
    }

    private void checkHostAndOrigin(RoutingContext ctx) {
        var request = ctx.request();
        String hostHeader = request.authority() == null ? request.getHeader("Host") : request.authority().toString();
        // MCP's transport rules: a foreign Host or Origin on the MCP endpoint is refused with 403, whatever the method
        boolean mcpPath = isMcpPath(ctx);
        if (!hostCheck.hostAllowed(hostHeader)) {
            error(ctx, new ApiException(mcpPath ? 403 : 421, "unknown_host", "this server does not answer to that Host name;"
                    + " add it to [gateway] allowed_hosts in the server's config.toml"));
            return;
        }
        boolean changesState = request.method() != HttpMethod.GET && request.method() != HttpMethod.HEAD
                && request.method() != HttpMethod.OPTIONS;
        boolean upgrade = "websocket".equalsIgnoreCase(request.getHeader("Upgrade"));
        if ((changesState || upgrade || mcpPath) && !hostCheck.originAllowed(request.getHeader("Origin"), hostHeader)) {
            error(ctx, new ApiException(403, "forbidden_origin", "requests from that Origin are not allowed;"
                    + " add it to [gateway] cors_origins in the server's config.toml"));
            return;
        }
        ctx.next();
    }

    /** The request is for /mcp (as the router will route it); a path that cannot be decoded is not. */
    private static boolean isMcpPath(RoutingContext ctx) {
        try {
            String path = ctx.normalizedPath();
            return "/mcp".equals(path) || "/mcp/".equals(path);
        } catch (RuntimeException e) {
            return false; // answered 400 further on
        }
    }

    private void authorize(RoutingContext ctx) {
        String header = ctx.request().getHeader("Authorization");
        String given = null;
        if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            given = header.substring(7).trim();
        } else if (header == null && acceptsQueryToken(ctx)) {
            given = ctx.request().getParam("access_token"); // EventSource and browsers' WebSocket cannot set headers
        }
        Identity identity = tokens.authenticate(given).orElse(null);
        if (header == null && identity == null) {
            // the web client: an HttpOnly cookie from POST /api/v1/login, plus its CSRF header when changing state
            var method = ctx.request().method();
            boolean changesState = method != HttpMethod.GET && method != HttpMethod.HEAD && method != HttpMethod.OPTIONS;
            try {
                var browser = web.fromCookie(ctx, changesState).orElse(null);
                if (browser != null) {
                    identity = browser.identity();
                    ctx.put(BROWSER_SESSION, browser);
                }
            } catch (ApiException e) {
                error(ctx, e);
                return;
            }
        }
        if (identity == null) {
            ctx.response().putHeader("WWW-Authenticate", "Bearer");
            error(ctx, new ApiException(401, "unauthorized", "missing or wrong token: send Authorization: Bearer <token>"
                    + (acceptsQueryToken(ctx) ? " (or ?access_token=)" : "") + " (see `codex serve --help`)"));
            return;
        }
        ctx.put(IDENTITY, identity);
        ctx.next();
    }

    private static boolean acceptsQueryToken(RoutingContext ctx) {
        String path = ctx.request().path();
        return ctx.request().method() == HttpMethod.GET && (path.endsWith("/events") || path.endsWith("/ws"));
    }

    /**
     * Reads the whole body as JSON whatever its Content-Type (curl -d says form-encoded), with
     * no form parsing, up to {@link #BODY_LIMIT}.
     */
    static Handler<RoutingContext> jsonBody(java.util.function.BiConsumer<RoutingContext, Object> next) {
        return ctx -> {
            var request = ctx.request();
            String length = request.getHeader("Content-Length");
            if (length != null && parseLong(length, 0) > BODY_LIMIT) {
                tooLarge(ctx);
                return;
            }
            Buffer body = Buffer.buffer();
            var state = new Object() {
                boolean refused;
            };
            request.handler(chunk -> {
                if (state.refused) {
                    return;
                }
                if (body.length() + chunk.length() > BODY_LIMIT) {
                    state.refused = true;
                    tooLarge(ctx);
                    return;
                }
                body.appendBuffer(chunk);
            });
            request.endHandler(v -> {
                if (state.refused) {
                    return;
                }
                Object parsed;
                try {
                    String text = body.toString(java.nio.charset.StandardCharsets.UTF_8).strip();
                    parsed = text.isEmpty() ? null : Json.MAPPER.readValue(text, Object.class);
                } catch (Exception e) {
                    error(ctx, ApiException.badRequest("the body is not valid JSON"));
                    return;
                }
                try {
                    next.accept(ctx, parsed);
                } catch (ApiException e) {
                    error(ctx, e);
                }
            });
            request.resume();
        };
    }

    private static void tooLarge(RoutingContext ctx) {
        ctx.response().putHeader("Connection", "close");
        error(ctx, new ApiException(413, "too_large", "the body is larger than " + BODY_LIMIT / 1024 / 1024 + " MiB"));
    }

    @SuppressWarnings("unchecked")
    private void createSession(RoutingContext ctx, Object parsed) {
        if (!(parsed instanceof java.util.Map<?, ?> map)) {
            throw ApiException.badRequest("the body must be a JSON object, e.g. {\"cwd\": \"/path/to/project\"}");
        }
        Identity identity = ctx.get(IDENTITY);
        CreateSessionRequest request = CreateSessionRequest.parse(new JsonObject((java.util.Map<String, Object>) map));
        openSession(identity, request)
                .onSuccess(id -> json(ctx, 201, new JsonObject().put("session_id", id)
                        .put("events_url", "/api/v1/sessions/" + id + "/events")
                        .put("submissions_url", "/api/v1/sessions/" + id + "/submissions")))
                .onFailure(err -> error(ctx, err instanceof ApiException api ? api
                        : new ApiException(500, "internal", "internal error; see the server's log")));
    }

    /**
     * Opens a session for this identity exactly as {@code POST /api/v1/sessions} does: the
     * server's ceiling on the request and on the finished config, the session recorded as the
     * identity's. Fails with an {@link ApiException} (its message is fit for the client).
     */
    public Future<String> openSession(Identity identity, CreateSessionRequest request) {
        try {
            settings.policy().checkRequest(request);
        } catch (ApiException e) {
            return Future.failedFuture(e);
        }
        String resume = request.resumeSessionId();
        if (resume != null && !identity.mayAccess(owners.ownerOf(resume))) {
            return Future.failedFuture(ApiException.notFound("no session " + resume));
        }
        // config files are read on a worker
        return vertx.executeBlocking(() -> {
            var config = sessions.create(request);
            settings.policy().checkSession(config);
            return config;
        }, false)
                .compose(config -> client.createSession(config, resume))
                .compose(id -> vertx.executeBlocking(() -> {
                    owners.record(id, identity.name());
                    return id;
                }, false))
                .recover(err -> Future.failedFuture(err instanceof ApiException api ? api
                        : err instanceof IllegalArgumentException ? ApiException.badRequest(clean(err.getMessage()))
                        : fromBus(err, "could not open the session")));
    }

    /**
     * A submission from this identity to one of its sessions, as {@code POST
     * /api/v1/sessions/{id}/submissions} takes it (404 for another's session, configure_session
     * refused, approval answers through the inbox by approval id, stamped with the identity).
     */
    public Future<Void> submitAs(Identity identity, String sessionId, Submission submission) {
        String owner = owners.ownerOf(sessionId);
        if (owner == null || !identity.mayAccess(owner)) {
            return Future.failedFuture(ApiException.notFound("no session " + sessionId));
        }
        if (submission.op() instanceof Submission.Op.ConfigureSession) {
            return Future.failedFuture(ApiException.forbidden("configure_session",
                    "configure_session is not available over HTTP"));
        }
        return deliver(identity, sessionId, submission).recover(err -> Future.failedFuture(err instanceof ApiException
                ? err : fromBus(err, "session " + sessionId + " is not running")));
    }

    private void listSessions(RoutingContext ctx) {
        Identity identity = ctx.get(IDENTITY);
        int limit = Math.max(1, Math.min(1000, parseInt(ctx.request().getParam("limit"), 20)));
        recorded.list(Integer.MAX_VALUE)
                .onSuccess(list -> {
                    JsonArray visible = new JsonArray();
                    for (var s : list) {
                        String owner = owners.ownerOf(s.sessionId());
                        if (visible.size() < limit && (identity.isAdmin() || identity.name().equals(owner))) {
                            visible.add(Json.toJson(s).put("owner", owner).put("state", states.stateOf(s.sessionId())));
                        }
                    }
                    json(ctx, 200, new JsonObject().put("sessions", visible));
                })
                .onFailure(err -> error(ctx, new ApiException(500, "internal", "could not list sessions; see the server's log")));
    }

    /** The session of the path, if the caller may see it; otherwise a 404 (never "exists but not yours"). */
    private String accessibleSession(RoutingContext ctx) {
        String id = ctx.pathParam("id");
        Identity identity = ctx.get(IDENTITY);
        String owner = owners.ownerOf(id);
        if (owner == null || !identity.mayAccess(owner)) {
            throw ApiException.notFound("no session " + id);
        }
        return id;
    }

    private void submit(RoutingContext ctx, Object parsed) {
        String id = accessibleSession(ctx);
        Submission submission = parseSubmission(parsed);
        Identity identity = ctx.get(IDENTITY);
        deliver(identity, id, submission)
                .onSuccess(v -> json(ctx, 202, new JsonObject().put("accepted", true)))
                .onFailure(err -> error(ctx, err instanceof ApiException api ? api
                        : fromBus(err, "session " + id + " is not running")));
    }

    /**
     * A submission from an HTTP client to its session. Approval answers go through the gateway's
     * inbox by approval id (so a stale answer to an earlier turn's call id approves nothing, and a
     * second answer is refused), stamped with the caller's identity name.
     */
    private Future<Void> deliver(Identity identity, String sessionId, Submission submission) {
        String approvalId;
        String decision;
        if (submission.op() instanceof Submission.Op.ExecApproval a) {
            approvalId = a.approvalId();
            decision = a.decision();
        } else if (submission.op() instanceof Submission.Op.PatchApproval a) {
            approvalId = a.approvalId();
            decision = a.decision();
        } else {
            return client.submit(sessionId, submission);
        }
        if (approvalId == null || approvalId.isBlank()) {
            return Future.failedFuture(ApiException.badRequest("an approval answer over HTTP needs the approval_id of"
                    + " the request event (call ids repeat across turns); or POST /api/v1/approvals/{approval_id}"));
        }
        return lookupApproval(identity, approvalId).compose(approval -> {
            if (!sessionId.equals(approval.getString("session_id"))) {
                return Future.failedFuture(ApiException.notFound("no approval " + approvalId + " in session " + sessionId));
            }
            return answer(identity, approvalId, decision, null).mapEmpty();
        });
    }

    /** The approval, if it exists and the caller may see its session (404 otherwise, never "someone else's"). */
    private Future<JsonObject> lookupApproval(Identity identity, String approvalId) {
        return BusRequests.call(vertx, Addresses.GATEWAY_APPROVALS, InboxRequest.lookup(approvalId), InboxEntry.class,
                        APPROVALS_CALL)
                .recover(err -> Future.failedFuture(approvalError(err, approvalId)))
                .compose(reply -> {
                    JsonObject approval = Json.toJson(reply.approval());
                    if (!identity.mayAccess(owners.ownerOf(approval.getString("session_id")))) {
                        return Future.failedFuture(ApiException.notFound("no approval " + approvalId));
                    }
                    return Future.succeededFuture(approval);
                });
    }

    private Future<JsonObject> answer(Identity identity, String approvalId, String decision, String reason) {
        InboxRequest body = InboxRequest.answer(approvalId, decision, identity == null ? null : identity.name(), reason);
        return BusRequests.call(vertx, Addresses.GATEWAY_APPROVALS, body, InboxEntry.class, APPROVALS_CALL)
                .recover(err -> Future.failedFuture(approvalError(err, approvalId)))
                .map(reply -> {
                    if (identity != null) {
                        ACCESS_LOG.info(() -> "approval " + approvalId + " " + decision + " by " + identity.name());
                    }
                    return Json.toJson(reply.approval());
                });
    }

    private static ApiException approvalError(Throwable err, String approvalId) {
        if (err instanceof ReplyException re && re.failureType() == ReplyFailure.RECIPIENT_FAILURE) {
            return switch (re.failureCode()) {
                case 400 -> ApiException.badRequest(clean(re.getMessage()));
                case 404 -> ApiException.notFound("no approval " + approvalId);
                case 409 -> new ApiException(409, "conflict", clean(re.getMessage()));
                default -> new ApiException(503, "unavailable", "approval " + approvalId
                        + " could not be delivered: the agent service is not reachable; try again");
            };
        }
        return fromBus(err, "the approvals inbox");
    }

    /** {@code GET /api/v1/sessions/{id}/audit}: every command and patch, from the session's durable log (asked of agent-service). */
    private void audit(RoutingContext ctx) {
        String id;
        try {
            id = accessibleSession(ctx);
        } catch (ApiException e) {
            error(ctx, e);
            return;
        }
        if (audit == null) {
            error(ctx, ApiException.notFound("this server keeps no audit log"));
            return;
        }
        audit.events(id).onSuccess(events -> {
            if (events.isEmpty()) {
                error(ctx, ApiException.notFound("session " + id + " has no durable log on this server"
                        + " (history.persistence = none, or it was never recorded)"));
                return;
            }
            json(ctx, 200, new JsonObject().put("session_id", id)
                    .put("entries", codex.gateway.audit.AuditTrail.build(events.get())));
        }).onFailure(err -> error(ctx, new ApiException(500, "internal", "could not read the session's log;"
                + " see the server's log")));
    }

    /** {@code GET /api/v1/approvals}: the caller's pending requests across its sessions (admins: all). */
    private void listApprovals(RoutingContext ctx) {
        Identity identity = ctx.get(IDENTITY);
        BusRequests.call(vertx, Addresses.GATEWAY_APPROVALS, InboxRequest.list(), InboxList.class, APPROVALS_CALL)
                .onSuccess(reply -> {
                    JsonArray visible = new JsonArray();
                    for (Approval a : reply.approvals()) {
                        if (identity.mayAccess(owners.ownerOf(a.sessionId()))) {
                            visible.add(Json.toJson(a));
                        }
                    }
                    json(ctx, 200, new JsonObject().put("approvals", visible));
                })
                .onFailure(err -> error(ctx, fromBus(err, "the approvals inbox")));
    }

    /** {@code POST /api/v1/approvals/{id}} with {@code {"decision"}}: 200, 409 second answer, 404 unknown, 400 bad decision. */
    private void answerApproval(RoutingContext ctx, Object parsed) {
        String approvalId = ctx.pathParam("approval");
        if (!(parsed instanceof java.util.Map<?, ?> map) || !(map.get("decision") instanceof String decision)) {
            throw ApiException.badRequest("the body must be {\"decision\": \"approved\" | \"approved_for_session\""
                    + " | \"denied\" | \"abort\"}");
        }
        java.util.Set<Object> unknown = new java.util.TreeSet<>(java.util.Comparator.comparing(String::valueOf));
        unknown.addAll(map.keySet());
        unknown.remove("decision");
        if (!unknown.isEmpty()) {
            throw ApiException.badRequest("unknown field(s) " + unknown + " in the answer; known: [decision]");
        }
        Identity identity = ctx.get(IDENTITY);
        lookupApproval(identity, approvalId)
                .compose(approval -> answer(identity, approvalId, decision, null))
                .onSuccess(approval -> json(ctx, 200, new JsonObject().put("approval", approval)))
                .onFailure(err -> error(ctx, err instanceof ApiException api ? api : fromBus(err, "the approvals inbox")));
    }

    /** {@code [gateway] approval_timeout_seconds}: a request nobody answered in time is denied, and the event says so. */
    private void denyExpiredApprovals() {
        long limit = settings.approvalTimeoutSeconds() * 1000;
        BusRequests.call(vertx, Addresses.GATEWAY_APPROVALS, InboxRequest.list(), InboxList.class, APPROVALS_CALL)
                .onSuccess(reply -> {
                    long now = System.currentTimeMillis();
                    for (Approval a : reply.approvals()) {
                        long asked = java.time.Instant.parse(a.requestedAt()).toEpochMilli();
                        if (now - asked >= limit) {
                            String id = a.approvalId();
                            answer(null, id, "denied", "no answer within " + settings.approvalTimeoutSeconds()
                                    + " s ([gateway] approval_timeout_seconds): denied")
                                    .onSuccess(x -> ACCESS_LOG.info(() -> "approval " + id + " timed out: denied"));
                        }
                    }
                });
    }

    /** What an HTTP client may submit: everything but configure_session, which would bypass the ceiling. */
    private static Submission parseSubmission(Object parsed) {
        if (parsed instanceof java.util.Map<?, ?> map && map.get("op") instanceof java.util.Map<?, ?> op
                && "configure_session".equals(op.get("type"))) {
            throw ApiException.forbidden("configure_session", "configure_session is not available over the HTTP API;"
                    + " create a new session with the settings you need");
        }
        Submission submission;
        try {
            submission = parsed == null ? null : Json.MAPPER.convertValue(parsed, Submission.class);
        } catch (RuntimeException e) {
            throw ApiException.badRequest("not a valid submission: expected {\"id\": …, \"op\": {\"type\": …}}"
                    + " with a known op type (see protocol/README.md)");
        }
        if (submission == null || submission.op() == null) {
            throw ApiException.badRequest("not a valid submission: expected {\"id\": …, \"op\": {\"type\": …}}");
        }
        if (submission.op() instanceof Submission.Op.ConfigureSession) {
            throw ApiException.forbidden("configure_session", "configure_session is not available over the HTTP API;"
                    + " create a new session with the settings you need");
        }
        if (submission.op() instanceof Submission.Op.UserInput input && (input.items() == null
                || input.items().stream().allMatch(i -> i == null || i.text() == null || i.text().isBlank()))) {
            throw ApiException.badRequest("user_input needs at least one item with text");
        }
        return submission;
    }

    private void events(RoutingContext ctx) {
        String id;
        try {
            id = accessibleSession(ctx);
        } catch (ApiException e) {
            error(ctx, e);
            return;
        }
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
        }).onFailure(err -> response.end("event: error\ndata: " + new JsonObject().put("message",
                "cannot follow session " + id + " now; reconnect to retry").encode() + "\n\n"));
    }

    /**
     * Both directions on one connection: every event as a text frame (the same JSON as the SSE
     * data), and every text frame from the client taken as a submission. {@code ?after=N} replays.
     */
    private void webSocket(RoutingContext ctx) {
        String id;
        try {
            id = accessibleSession(ctx);
        } catch (ApiException e) {
            error(ctx, e);
            return;
        }
        long after = parseLong(ctx.request().getParam("after"), 0);
        Identity identity = ctx.get(IDENTITY);
        ctx.request().toWebSocket().onSuccess(ws -> {
            var state = new Object() {
                MessageConsumer<Object> consumer;
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
                    Object parsed;
                    try {
                        parsed = Json.MAPPER.readValue(text, Object.class);
                    } catch (Exception e) {
                        throw ApiException.badRequest("the frame is not valid JSON");
                    }
                    submission = parseSubmission(parsed);
                } catch (ApiException e) {
                    ws.writeTextMessage(errorBody(e).encode());
                    return;
                }
                deliver(identity, id, submission).onFailure(err -> ws.writeTextMessage(errorBody(
                        err instanceof ApiException api ? api : fromBus(err, "session " + id + " is not running")).encode()));
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
        }).onFailure(err -> error(ctx, ApiException.badRequest("WebSocket upgrade failed")));
    }

    private void close(MessageConsumer<Object> consumer, long heartbeat) {
        vertx.cancelTimer(heartbeat);
        consumer.unregister();
    }

    private static void writeEvent(HttpServerResponse response, Event event) {
        if (!response.closed()) {
            response.write("id: " + event.seq() + "\nevent: " + event.type() + "\ndata: " + Json.encode(event) + "\n\n");
        }
    }

    /** A failure of a bus request, told without the deployment's internals. */
    private static ApiException fromBus(Throwable err, String what) {
        if (err instanceof ReplyException re) {
            if (re.failureType() == ReplyFailure.NO_HANDLERS || re.failureType() == ReplyFailure.TIMEOUT) {
                return new ApiException(503, "unavailable", what + ": the agent service is not reachable; try again");
            }
            int code = re.failureCode();
            return new ApiException(code == 404 ? 404 : 400, code == 404 ? "not_found" : "bad_request",
                    what + ": " + clean(re.getMessage()));
        }
        return new ApiException(500, "internal", what + "; see the server's log");
    }

    private static String clean(String message) {
        if (message == null) {
            return "no reason given";
        }
        String text = BUS_ADDRESS.matcher(message).replaceAll("(internal address)");
        return text.length() > 500 ? text.substring(0, 500) + "…" : text;
    }

    static void json(RoutingContext ctx, int status, JsonObject body) {
        if (ctx.response().ended() || ctx.response().closed()) {
            return;
        }
        ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.encode());
    }

    private static JsonObject errorBody(ApiException e) {
        return new JsonObject().put("error", new JsonObject().put("code", e.code()).put("message", e.getMessage()));
    }

    static void error(RoutingContext ctx, ApiException e) {
        json(ctx, e.status(), errorBody(e));
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

package codex.gateway;

import codex.gateway.http.ApiException;
import codex.gateway.http.Identity;
import codex.gateway.http.ServerPolicy;
import codex.gateway.http.TokenRegistry;
import codex.gateway.http.WebLogins;
import codex.protocol.ApprovalPolicy;
import codex.protocol.SandboxPermission;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The browser side of {@code codex serve}: the static web client (plain JS/CSS shipped in this
 * jar under {@code codex/web/}, no build step) at {@code /} and {@code /sessions/{id}}, and the
 * cookie login it uses ({@code POST /api/v1/login}, {@code POST /api/v1/logout},
 * {@code GET /api/v1/me}). The page itself holds no data: without a valid cookie every API call
 * is a 401 and the page shows the login form.
 */
final class WebClient {
    static final String COOKIE = "codex_web";
    static final String CSRF_HEADER = "X-CSRF-Token";
    static final String ASSETS = "codex/web/";
    private static final Map<String, String> TYPES = Map.of("html", "text/html; charset=utf-8",
            "js", "text/javascript; charset=utf-8", "css", "text/css; charset=utf-8", "svg", "image/svg+xml",
            "png", "image/png", "txt", "text/plain; charset=utf-8");
    /** Scripts and styles only from here, nothing inline, no framing, no referrer (a login link carries a code). */
    private static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
            + " connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    private final WebLogins logins;
    private final TokenRegistry tokens;
    private final ServerPolicy policy;
    private final Map<String, Buffer> files = new HashMap<>();

    WebClient(WebLogins logins, TokenRegistry tokens, ServerPolicy policy) {
        this.logins = logins;
        this.tokens = tokens;
        this.policy = policy;
    }

    /** Reads the client's files from the classpath (on a worker: it is blocking I/O). */
    Future<Void> load(Vertx vertx) {
        return vertx.executeBlocking(() -> {
            for (String name : List.of("index.html", "app.js", "markdown.js", "app.css", "icon.svg")) {
                try (InputStream in = WebClient.class.getClassLoader().getResourceAsStream(ASSETS + name)) {
                    if (in == null) {
                        throw new IllegalStateException("the web client is missing from the jar: " + ASSETS + name);
                    }
                    files.put(name, Buffer.buffer(in.readAllBytes()));
                } catch (IOException e) {
                    throw new IllegalStateException("cannot read the web client: " + e.getMessage(), e);
                }
            }
            return null;
        }, false);
    }

    /** Routes that need no token: the page, its assets and the login. */
    void mountPublic(Router router) {
        router.get("/").handler(ctx -> serve(ctx, "index.html"));
        router.get("/sessions/:id").handler(ctx -> serve(ctx, "index.html"));
        router.get("/assets/:name").handler(ctx -> serve(ctx, ctx.pathParam("name")));
        router.post("/api/v1/login").handler(HttpGatewayVerticle.jsonBody(this::login));
    }

    /** Routes behind {@code authorize}. */
    void mountPrivate(Router router) {
        router.get("/api/v1/me").handler(this::me);
        router.post("/api/v1/logout").handler(this::logout);
    }

    /**
     * The identity a browser's cookie proves, if it has one. State-changing requests must also
     * carry the page's CSRF token: SameSite=Strict already keeps other sites' requests from
     * carrying the cookie, and the Origin check refuses them, but neither is trusted alone.
     *
     * @throws ApiException 403 when the cookie is good and the CSRF token is not
     */
    Optional<WebLogins.BrowserSession> fromCookie(RoutingContext ctx, boolean changesState) {
        Cookie cookie = ctx.request().getCookie(COOKIE);
        if (cookie == null) {
            return Optional.empty();
        }
        Optional<WebLogins.BrowserSession> session = logins.session(cookie.getValue());
        if (session.isPresent() && changesState && !WebLogins.csrfMatches(session.get(), ctx.request().getHeader(CSRF_HEADER))) {
            throw new ApiException(403, "csrf", "this request needs the page's " + CSRF_HEADER + " header; reload the page");
        }
        return session;
    }

    private void serve(RoutingContext ctx, String name) {
        Buffer body = files.get(name);
        HttpServerResponse response = ctx.response();
        securityHeaders(response);
        if (body == null) {
            HttpGatewayVerticle.error(ctx, ApiException.notFound("no such file"));
            return;
        }
        String ext = name.substring(name.lastIndexOf('.') + 1);
        response.putHeader("Content-Type", TYPES.getOrDefault(ext, "application/octet-stream"))
                .putHeader("Cache-Control", "no-cache").end(body);
    }

    static void securityHeaders(HttpServerResponse response) {
        response.putHeader("Content-Security-Policy", CSP)
                .putHeader("X-Content-Type-Options", "nosniff")
                .putHeader("Referrer-Policy", "no-referrer")
                .putHeader("X-Frame-Options", "DENY")
                .putHeader("Cross-Origin-Opener-Policy", "same-origin");
    }

    private void login(RoutingContext ctx, Object body) {
        String presented = body instanceof Map<?, ?> map && map.get("token") instanceof String s ? s : null;
        if (presented == null) {
            HttpGatewayVerticle.error(ctx, ApiException.badRequest("expected {\"token\": \"…\"}"));
            return;
        }
        Optional<WebLogins.Login> login = logins.login(presented, tokens);
        if (login.isEmpty()) {
            HttpGatewayVerticle.error(ctx, new ApiException(401, "unauthorized",
                    "that token or login link is not valid (a login link works once and for an hour)"));
            return;
        }
        WebLogins.BrowserSession session = login.get().session();
        ctx.put(HttpGatewayVerticle.IDENTITY, session.identity());
        ctx.response().addCookie(cookie(ctx, login.get().cookieValue(), WebLogins.SESSION_LIFETIME.toSeconds()));
        HttpGatewayVerticle.json(ctx, 200, whoAmI(session.identity(), session.csrfToken()));
    }

    private void logout(RoutingContext ctx) {
        Cookie cookie = ctx.request().getCookie(COOKIE);
        if (cookie != null) {
            logins.logout(cookie.getValue());
        }
        ctx.response().addCookie(cookie(ctx, "", 0));
        HttpGatewayVerticle.json(ctx, 200, new JsonObject().put("logged_out", true));
    }

    private void me(RoutingContext ctx) {
        Identity identity = ctx.get(HttpGatewayVerticle.IDENTITY);
        WebLogins.BrowserSession session = ctx.get(HttpGatewayVerticle.BROWSER_SESSION);
        HttpGatewayVerticle.json(ctx, 200, whoAmI(identity, session == null ? null : session.csrfToken()));
    }

    /** Who is logged in, the CSRF token (browsers only), and what the ceiling lets the new-session form offer. */
    private JsonObject whoAmI(Identity identity, String csrf) {
        JsonArray approvalPolicies = new JsonArray();
        for (ApprovalPolicy p : ApprovalPolicy.values()) {
            if (policy.approvalPolicies() == null || policy.approvalPolicies().contains(p.wireName())) {
                approvalPolicies.add(p.wireName());
            }
        }
        JsonArray permissions = new JsonArray();
        for (SandboxPermission.Kind k : SandboxPermission.Kind.values()) {
            if (k != SandboxPermission.Kind.DISK_WRITE_FOLDER
                    && (policy.sandboxPermissions() == null || policy.sandboxPermissions().contains(k.wireName()))) {
                permissions.add(k.wireName());
            }
        }
        JsonObject ceiling = new JsonObject().put("approval_policies", approvalPolicies)
                .put("sandbox_permissions", permissions)
                .put("workspace_roots", policy.workspaceRoots() == null ? null
                        : new JsonArray(policy.workspaceRoots().stream().map(Object::toString).toList()))
                .put("models", policy.models() == null ? null : new JsonArray(policy.models().stream().sorted().toList()));
        JsonObject out = new JsonObject().put("identity", new JsonObject().put("name", identity.name())
                .put("role", identity.role().wireName())).put("ceiling", ceiling);
        if (csrf != null) {
            out.put("csrf_token", csrf);
        }
        return out;
    }

    private static Cookie cookie(RoutingContext ctx, String value, long maxAgeSeconds) {
        boolean https = ctx.request().isSSL() || "https".equalsIgnoreCase(ctx.request().getHeader("X-Forwarded-Proto"));
        return Cookie.cookie(COOKIE, value).setPath("/").setHttpOnly(true).setSameSite(CookieSameSite.STRICT)
                .setSecure(https).setMaxAge(maxAgeSeconds);
    }
}

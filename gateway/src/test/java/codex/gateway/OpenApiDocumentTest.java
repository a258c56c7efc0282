package codex.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import codex.gateway.http.GatewaySettings;
import codex.gateway.http.Identity;
import codex.gateway.http.SessionOwners;
import codex.gateway.http.TokenRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.OpenAPIVersion;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.validation.ResponseValidator;
import io.vertx.openapi.validation.ValidatableResponse;
import io.vertx.json.schema.OutputUnit;
import java.util.HashMap;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The OpenAPI document served at /api/v1/openapi.json: valid OpenAPI 3.1 by vertx-openapi, every
 * route served is documented and nothing documented is missing, and the answers a client gets
 * match the documented schemas (checked with vertx-openapi's response validator).
 */
class OpenApiDocumentTest {
    static final String TOKEN = "openapi-token-0123456789";
    static Vertx vertx;
    static HttpGatewayVerticle http;
    static HttpClient client;
    static JsonObject document;
    static OpenAPIContract contract;

    static <T> T await(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    }

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        TokenRegistry tokens = TokenRegistry.builder().token("admin", Identity.Role.ADMIN, TOKEN).build();
        RecordedSessions recorded = limit -> Future.succeededFuture(java.util.List.of(
                new codex.protocol.SessionMessages.RecordedSession("s-1", "2026-01-01T00:00:00Z", "/w", "hello")));
        SessionFactory sessions = request -> {
            throw new IllegalArgumentException("no sessions in this test");
        };
        SessionAudit audit = id -> Future.succeededFuture(java.util.Optional.of(java.util.List.of(
                new JsonObject().put("turn_id", "t").put("ts", 1_000L).put("msg", new JsonObject().put("type", "exec_command_begin")
                        .put("call_id", "c").put("command", new JsonArray().add("ls")).put("cwd", "/w").put("sandboxed", true)),
                new JsonObject().put("turn_id", "t").put("ts", 2_000L).put("msg", new JsonObject().put("type", "exec_command_end")
                        .put("call_id", "c").put("exit_code", 0).put("duration_ms", 5)))));
        SessionOwners owners = new SessionOwners(null);
        owners.record("s-1", "admin");
        PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        http = new HttpGatewayVerticle(sessions, recorded, tokens, GatewaySettings.none(), owners, "127.0.0.1", 0)
                .withMetrics(metrics).withAudit(audit);
        await(vertx.deployVerticle(new GatewayVerticle(metrics)));
        await(vertx.deployVerticle(http));
        client = vertx.createHttpClient();
        Answer doc = call(HttpMethod.GET, "/api/v1/openapi.json", null, null);
        assertEquals(200, doc.status);
        document = new JsonObject(doc.body);
        // the library cannot model a text/event-stream response (it supports JSON, text and
        // multipart bodies); the full document is checked against the OpenAPI schema first, then
        // the contract is built from it without that one media type
        JsonObject modelled = document.copy();
        modelled.getJsonObject("paths").getJsonObject("/api/v1/sessions/{id}/events").getJsonObject("get")
                .getJsonObject("responses").getJsonObject("200").remove("content");
        contract = await(OpenAPIContract.from(vertx, modelled));
    }

    @AfterAll
    static void stop() throws Exception {
        if (vertx != null) {
            await(vertx.close());
        }
    }

    record Answer(int status, String contentType, String body) {
    }

    static Answer call(HttpMethod method, String path, String token, String body) throws Exception {
        RequestOptions options = new RequestOptions().setMethod(method).setHost("127.0.0.1").setPort(http.actualPort())
                .setURI(path);
        if (token != null) {
            options.putHeader("Authorization", "Bearer " + token);
        }
        return await(client.request(options)
                .compose(req -> body == null ? req.send() : req.send(body))
                .compose(resp -> resp.body().map(b -> new Answer(resp.statusCode(),
                        resp.getHeader("Content-Type"), b.toString()))));
    }

    @Test
    void theDocumentIsValidOpenApi31() throws Exception {
        OpenAPIVersion version = OpenAPIVersion.fromContract(document);
        assertEquals(OpenAPIVersion.V3_1, version);
        OutputUnit result = await(version.getRepository(vertx, "app://")
                .compose(repository -> version.validateContract(vertx, repository, document)));
        assertTrue(result.getValid(), result.toString());
    }

    @Test
    void everyRouteServedIsDocumentedAndNothingElse() throws Exception {
        SortedSet<String> documented = new TreeSet<>();
        for (Operation op : contract.operations()) {
            documented.add(op.getHttpMethod().name() + " " + op.getOpenAPIPath());
        }
        assertEquals(http.routes(), documented);
        // and each documented operation is answered by its own handler, not the unknown-endpoint one
        for (String route : documented) {
            String[] parts = route.split(" ");
            Answer answer;
            try {
                answer = call(HttpMethod.valueOf(parts[0]), parts[1].replaceAll("\\{\\w+}", "no-such-thing"), TOKEN,
                        parts[0].equals("POST") ? "{}" : null);
            } catch (java.util.concurrent.TimeoutException e) {
                throw new AssertionError(route + " was not answered (a flaky timeout seen in CI: which route?)", e);
            }
            assertFalse(answer.body.contains("no such endpoint"), route + " → " + answer);
        }
        assertTrue(call(HttpMethod.GET, "/api/v1/not-documented", TOKEN, null).body.contains("no such endpoint"));
    }

    @Test
    void answersMatchTheDocumentedSchemas() throws Exception {
        ResponseValidator validator = ResponseValidator.create(vertx, contract);
        record Case(String operationId, HttpMethod method, String path, String token, String body, int status) {
        }
        for (Case c : new Case[]{
                new Case("health", HttpMethod.GET, "/api/v1/health", null, null, 200),
                // only the gateway runs here: not ready, naming the others
                new Case("ready", HttpMethod.GET, "/api/v1/ready", null, null, 503),
                new Case("listSessions", HttpMethod.GET, "/api/v1/sessions", TOKEN, null, 200),
                new Case("listSessions", HttpMethod.GET, "/api/v1/sessions", null, null, 401),
                new Case("createSession", HttpMethod.POST, "/api/v1/sessions", TOKEN, "{\"cwd\": 1}", 400),
                new Case("createSession", HttpMethod.POST, "/api/v1/sessions", TOKEN, "{\"cwd\": \"/x\", \"nope\": 1}", 400),
                new Case("submit", HttpMethod.POST, "/api/v1/sessions/s-2/submissions", TOKEN, "{}", 404),
                new Case("events", HttpMethod.GET, "/api/v1/sessions/s-2/events", TOKEN, null, 404),
                new Case("audit", HttpMethod.GET, "/api/v1/sessions/s-1/audit", TOKEN, null, 200),
                new Case("audit", HttpMethod.GET, "/api/v1/sessions/s-2/audit", TOKEN, null, 404),
                new Case("metrics", HttpMethod.GET, "/metrics", null, null, 401),
                new Case("listApprovals", HttpMethod.GET, "/api/v1/approvals", TOKEN, null, 200),
                new Case("answerApproval", HttpMethod.POST, "/api/v1/approvals/apr_nope", TOKEN, "{\"decision\": \"approved\"}", 404),
                new Case("answerApproval", HttpMethod.POST, "/api/v1/approvals/apr_nope", TOKEN, "{\"decision\": 1}", 400),
                new Case("metrics", HttpMethod.GET, "/metrics", TOKEN, null, 200),
                new Case("openapi", HttpMethod.GET, "/api/v1/openapi.json", null, null, 200)}) {
            Answer answer = call(c.method(), c.path(), c.token(), c.body());
            assertEquals(c.status(), answer.status(), c + " → " + answer);
            String type = answer.contentType() == null ? null : answer.contentType().split(";")[0].trim();
            Map<String, String> headers = new HashMap<>();
            headers.put("Content-Type", type);
            try {
                await(validator.validate(ValidatableResponse.create(answer.status(), headers,
                        Buffer.buffer(answer.body()), type), c.operationId()));
            } catch (Exception e) {
                throw new AssertionError(c + " does not match the document: " + e.getCause() + " / " + answer, e);
            }
        }
    }
}

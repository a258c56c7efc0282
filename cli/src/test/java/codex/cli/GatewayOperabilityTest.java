package codex.cli;

import static codex.cli.FakeModelServer.shellCall;
import static codex.cli.FakeModelServer.sse;
import static codex.cli.FakeModelServer.textResponse;
import static codex.cli.FakeModelServer.toolCalls;
import static codex.cli.ServeProcess.assertError;
import static codex.cli.ServeProcess.await;
import static codex.cli.ServeProcess.type;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Health, readiness and Prometheus metrics of a real `codex serve`, driven over HTTP with a scripted model. */
class GatewayOperabilityTest {
    static final String TOKEN = "ops-token-0123456789abcdef";

    @TempDir
    static Path tmp;
    static Path work;
    static FakeModelServer model;
    static ServeProcess serve;

    @BeforeAll
    static void start() throws Exception {
        work = Files.createDirectories(tmp.resolve("work"));
        model = new FakeModelServer(List.of(
                sse(toolCalls("r1", List.of(shellCall("call_0", "bash", "-c", "echo metered > metered.txt")))),
                sse(textResponse("r2", "done"))));
        serve = ServeProcess.start(tmp.resolve("home"), model, Map.of("CODEX_SERVE_TOKEN", TOKEN));
    }

    @AfterAll
    static void stop() throws Exception {
        if (serve != null) {
            serve.close();
        }
        if (model != null) {
            model.close();
        }
    }

    @Test
    void readyWhenEveryServiceAnswersOnTheBus() throws Exception {
        HttpResponse<String> ready = serve.get("/ready", null);
        assertEquals(200, ready.statusCode(), ready.body());
        JsonObject body = new JsonObject(ready.body());
        assertTrue(body.getBoolean("ready"), ready.body());
        for (String service : List.of("sandbox", "notifier", "agent", "gateway")) {
            assertEquals("ok", body.getJsonObject("services").getString(service), ready.body());
        }
        assertEquals(200, serve.get("/health", null).statusCode());
    }

    @Test
    void notReadyWhileAServiceIsMissingNamingIt() throws Exception {
        try (ServeProcess gatewayOnly = ServeProcess.start(tmp.resolve("home-gateway-only"), null,
                Map.of("CODEX_SERVE_TOKEN", TOKEN), "--services", "gateway")) {
            assertEquals(200, gatewayOnly.get("/health", null).statusCode(), "live all the same");
            HttpResponse<String> ready = gatewayOnly.get("/ready", null);
            JsonObject error = assertError(ready, 503);
            JsonObject services = new JsonObject(ready.body()).getJsonObject("services");
            assertEquals("ok", services.getString("gateway"), ready.body());
            for (String missing : List.of("sandbox", "notifier", "agent")) {
                assertEquals("unreachable", services.getString(missing), ready.body());
                assertTrue(error.getString("message").contains(missing), error.encode());
            }
        }
    }

    @Test
    void metricsInPrometheusFormatCountSessionsTurnsCommandsApprovalsAndHttp() throws Exception {
        assertError(serve.getRoot("/metrics", null), 401);
        String id = serve.createSession(TOKEN, new JsonObject().put("cwd", work.toString())
                .put("approval_policy", "unless-allow-listed")
                .put("sandbox_permissions", List.of("disk-full-read-access", "disk-write-cwd")));
        BlockingQueue<JsonObject> events = serve.follow(id, TOKEN, null);
        List<JsonObject> seen = new ArrayList<>();
        await(events, type("session_configured"), seen);
        assertEquals(202, serve.post("/sessions/" + id + "/submissions", ServeProcess.userInput("s1", "run it"), TOKEN)
                .statusCode());
        JsonObject ask = await(events, type("exec_approval_request"), seen);
        String waiting = scrape();
        assertEquals(1.0, value(waiting, "codex_approvals_pending"), waiting);
        assertTrue(value(waiting, "codex_approvals_requested_total{kind=\"exec\"}") >= 1, waiting);

        assertEquals(202, serve.post("/sessions/" + id + "/submissions", new JsonObject().put("id", "s2")
                .put("op", new JsonObject().put("type", "exec_approval")
                        .put("call_id", ask.getJsonObject("msg").getString("call_id"))
                        .put("approval_id", ask.getJsonObject("msg").getString("approval_id")).put("decision", "approved")),
                TOKEN).statusCode());
        await(events, type("task_complete"), seen);

        String text = scrape();
        assertEquals(0.0, value(text, "codex_approvals_pending"), text);
        assertTrue(value(text, "codex_sessions_opened_total{resumed=\"false\"}") >= 1, text);
        assertTrue(value(text, "codex_sessions_active") >= 1, text);
        assertTrue(value(text, "codex_turns_started_total") >= 1, text);
        assertTrue(value(text, "codex_turns_finished_total{outcome=\"complete\"}") >= 1, text);
        assertTrue(value(text, "codex_commands_total{outcome=\"exit_0\"}") >= 1, text);
        assertTrue(value(text, "codex_command_duration_seconds_count") >= 1, text);
        assertTrue(value(text, "codex_model_latency_seconds_count{provider=\"openai\",status=\"200\"}") >= 2, text);
        assertTrue(value(text, "codex_model_response_seconds_count{outcome=\"complete\",provider=\"openai\"}") >= 2, text);
        assertTrue(value(text, "codex_replay_buffered_events") >= seen.size(), text);
        assertTrue(value(text, "codex_replay_buffered_sessions") >= 1, text);
        // Vert.x's own HTTP server meters, by route pattern (never a path with a session id in it)
        assertTrue(text.contains("vertx_http_server_requests_total{") && text.contains("route=\"/api/v1/sessions/:id/submissions\""), text);
        assertFalse(text.contains(id), "no label carries a session id");
        assertFalse(text.contains(TOKEN), "no token in the metrics");
    }

    private static String scrape() throws Exception {
        HttpResponse<String> r = serve.getRoot("/metrics", TOKEN);
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"), r.headers().toString());
        return r.body();
    }

    /** The value of one series, given as its name and labels exactly as Prometheus prints them. */
    private static double value(String text, String series) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(text);
        if (!m.find()) {
            throw new AssertionError("no series " + series + " in\n" + text);
        }
        return Double.parseDouble(m.group(1));
    }
}

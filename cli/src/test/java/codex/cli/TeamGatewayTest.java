package codex.cli;

import static codex.cli.FakeModelServer.sse;
import static codex.cli.FakeModelServer.textResponse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTTP API as a team puts it in front of several people: identities from [[gateway.tokens]],
 * isolation between users on every route, the server's ceiling, and hardening against bad
 * requests — over real HTTP against a real `codex serve` process and a scripted model.
 */
class TeamGatewayTest {
    static final String ALICE = "alice-token-0123456789";
    static final String BOB = "bob-token-0123456789ab";
    static final String ROOT = "root-token-0123456789a";
    static final String SHORTCUT = "shortcut-token-0123456789";

    @TempDir
    static Path tmp;
    static Path work;
    static ServeProcess serve;
    static String base;
    static String hostPort;
    static FakeModelServer model;
    static final HttpClient http = ServeProcess.HTTP;

    @BeforeAll
    static void start() throws Exception {
        work = Files.createDirectories(tmp.resolve("work"));
        Path home = Files.createDirectories(tmp.resolve("home"));
        String rootDigest = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest(ROOT.getBytes(StandardCharsets.UTF_8)));
        Files.writeString(home.resolve("config.toml"), """
                approval_policy = "on-failure"
                [[gateway.tokens]]
                name = "alice"
                token = "%s"
                role = "user"
                [[gateway.tokens]]
                name = "bob"
                token = "%s"
                [[gateway.tokens]]
                name = "root"
                token_sha256 = "%s"
                role = "admin"
                [gateway.policy]
                approval_policies = ["on-failure", "never"]
                sandbox_permissions = ["disk-full-read-access", "disk-write-cwd"]
                workspace_roots = ["%s"]
                models = ["o4-mini"]
                providers = ["openai"]
                """.formatted(ALICE, BOB, rootDigest, work));
        model = new FakeModelServer(i -> sse(textResponse("r" + i, "answer " + i)));
        serve = ServeProcess.start(home, model, java.util.Map.of("CODEX_SERVE_TOKEN", SHORTCUT));
        base = serve.base;
        hostPort = serve.hostPort;
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

    static HttpResponse<String> send(String method, String path, String body, String authorization, String... headers)
            throws Exception {
        return serve.send(method, path, body, authorization, headers);
    }

    static HttpResponse<String> post(String path, JsonObject body, String token) throws Exception {
        return serve.post(path, body, token);
    }

    static String createSession(String token) throws Exception {
        return serve.createSession(token, new JsonObject().put("cwd", work.toString()));
    }

    static JsonObject userInput(String text) {
        return ServeProcess.userInput("s1", text);
    }

    static JsonObject assertError(HttpResponse<String> r, int status) {
        return ServeProcess.assertError(r, status);
    }

    @Test
    void usersSeeAndDriveOnlyTheirOwnSessionsOnEveryRoute() throws Exception {
        String alices = createSession(ALICE);
        String submit = "/sessions/" + alices + "/submissions";
        assertError(post(submit, userInput("hi"), BOB), 404);
        assertError(send("GET", "/sessions/" + alices + "/events", null, "Bearer " + BOB), 404);
        assertError(send("GET", "/sessions/" + alices + "/events?access_token=" + BOB, null, null), 404);
        CompletionException ws = org.junit.jupiter.api.Assertions.assertThrows(CompletionException.class, () ->
                http.newWebSocketBuilder().header("Authorization", "Bearer " + BOB)
                        .buildAsync(URI.create(base.replace("http://", "ws://") + "/sessions/" + alices + "/ws"),
                                new WebSocket.Listener() { }).join());
        assertTrue(ws.getCause() instanceof java.net.http.WebSocketHandshakeException h && h.getResponse().statusCode() == 404,
                String.valueOf(ws.getCause()));
        // Bob may not resume Alice's session either.
        assertError(post("/sessions", new JsonObject().put("cwd", work.toString()).put("resume_session_id", alices), BOB), 404);

        assertEquals(202, post(submit, userInput("hi"), ALICE).statusCode());
        // the owner's list shows it once it is recorded; others' lists never do; admins see all
        long deadline = System.currentTimeMillis() + 20_000;
        JsonArray alicesList = new JsonArray();
        while (System.currentTimeMillis() < deadline && alicesList.stream()
                .noneMatch(s -> alices.equals(((JsonObject) s).getString("session_id")))) {
            alicesList = new JsonObject(send("GET", "/sessions", null, "Bearer " + ALICE).body()).getJsonArray("sessions");
            Thread.sleep(100);
        }
        assertTrue(alicesList.stream().anyMatch(s -> alices.equals(((JsonObject) s).getString("session_id"))), alicesList.encode());
        JsonArray bobsList = new JsonObject(send("GET", "/sessions", null, "Bearer " + BOB).body()).getJsonArray("sessions");
        assertTrue(bobsList.stream().noneMatch(s -> alices.equals(((JsonObject) s).getString("session_id"))), bobsList.encode());
        JsonArray rootList = new JsonObject(send("GET", "/sessions", null, "bearer " + ROOT).body()).getJsonArray("sessions");
        assertTrue(rootList.stream().anyMatch(s -> alices.equals(((JsonObject) s).getString("session_id"))
                && "alice".equals(((JsonObject) s).getString("owner"))), rootList.encode());
        // the admin (configured by digest, or the CODEX_SERVE_TOKEN shortcut) may drive it
        assertEquals(202, post(submit, userInput("from root"), ROOT).statusCode());
        assertEquals(202, post(submit, userInput("from the shortcut"), SHORTCUT).statusCode());
        String log = serve.log();
        for (String token : List.of(ALICE, BOB, ROOT, SHORTCUT)) {
            assertFalse(log.contains(token), "a token reached the log");
        }
        assertTrue(log.contains("/submissions 202") && log.contains("alice"), "access log names method, path, status and identity: " + log);
    }

    @Test
    void theCeilingRefusesWhatTheServerDoesNotAllowNamingTheRule() throws Exception {
        JsonObject ok = new JsonObject().put("cwd", work.toString());
        record Case(JsonObject body, String rule) { }
        for (Case c : List.of(
                new Case(ok.copy().put("approval_policy", "auto-edit"), "approval_policies"),
                new Case(ok.copy().put("sandbox_permissions", new JsonArray().add("network-full-access")), "sandbox_permissions"),
                new Case(ok.copy().put("sandbox_permissions", new JsonArray().add("disk-full-write-access")), "sandbox_permissions"),
                new Case(new JsonObject().put("cwd", "/"), "workspace_roots"),
                new Case(ok.copy().put("model", "gpt-expensive"), "models"),
                new Case(ok.copy().put("config", new JsonArray().add("notify=[\"touch\",\"/tmp/pwned\"]")), "client config keys"),
                new Case(ok.copy().put("config", new JsonArray().add("model_providers.openai.base_url=\"http://evil\"")), "client config keys"),
                new Case(ok.copy().put("config", new JsonArray().add("model_provider=\"ollama\"")), "client config keys"),
                new Case(ok.copy().put("config", new JsonArray().add("approval_policy=\"never\"")), "client config keys"))) {
            JsonObject error = assertError(post("/sessions", c.body(), ALICE), 403);
            assertTrue(error.getString("message").contains(c.rule()), c + " → " + error);
        }
        assertFalse(Files.exists(Path.of("/tmp/pwned")));
        // what is allowed still works, including an allowed config key
        assertEquals(201, post("/sessions", ok.copy().put("approval_policy", "never")
                .put("sandbox_permissions", new JsonArray().add("disk-full-read-access").add("disk-write-cwd"))
                .put("config", new JsonArray().add("model_reasoning_effort=\"low\"")), ALICE).statusCode());
    }

    @Test
    void badRequestsGetOneJsonShapeAndTheServerKeepsServing() throws Exception {
        String id = createSession(ALICE);
        String submit = "/sessions/" + id + "/submissions";
        String bearer = "Bearer " + ALICE;
        assertError(send("POST", "/sessions", "{not json", bearer), 400);
        assertError(send("POST", "/sessions", "[1,2]", bearer), 400);
        assertError(send("POST", "/sessions", "", bearer), 400);
        JsonObject unknown = assertError(post("/sessions", new JsonObject().put("cwd", work.toString())
                .put("aproval_policy", "never"), ALICE), 400);
        assertTrue(unknown.getString("message").contains("aproval_policy"), unknown.encode());
        assertError(post("/sessions", new JsonObject().put("cwd", 42), ALICE), 400);
        HttpResponse<String> huge = send("POST", "/sessions", "{\"cwd\":\"" + "x".repeat(9 * 1024 * 1024) + "\"}", bearer);
        JsonObject tooLarge = assertError(huge, 413);
        assertTrue(huge.body().length() < 1000, "the body is not echoed back");
        assertError(send("POST", submit, "{\"id\":\"1\",\"op\":{\"type\":\"no_such_op\"}}", bearer), 400);
        assertError(send("POST", submit, "{\"id\":\"1\"}", bearer), 400);
        assertError(post(submit, userInput("   "), ALICE), 400);
        assertError(post(submit, new JsonObject().put("id", "1").put("op", new JsonObject().put("type", "user_input")
                .put("items", new JsonArray())), ALICE), 400);
        JsonObject configure = assertError(post(submit, new JsonObject().put("id", "1").put("op", new JsonObject()
                .put("type", "configure_session").put("config", new JsonObject().put("model", "x")
                        .put("notify", new JsonArray().add("touch").add("/tmp/pwned2")))), ALICE), 403);
        assertTrue(configure.getString("message").contains("configure_session"), configure.encode());
        assertError(send("GET", "/sessions/no-such-session/events", null, bearer), 404);
        assertError(post("/sessions/no-such-session/submissions", userInput("hi"), ALICE), 404);
        assertError(send("GET", "/nope", null, bearer), 404);
        assertError(send("GET", "/sessions", null, null), 401);
        assertError(send("GET", "/sessions", null, "Bearer wrong-token-0123456789"), 401);
        // ?access_token= works only where a header cannot be sent (events, WebSocket)
        assertError(send("POST", submit + "?access_token=" + ALICE, userInput("hi").encode(), null), 401);
        assertError(send("GET", "/sessions?access_token=" + ALICE, null, null), 401);
        assertEquals(200, send("GET", "/health", null, null).statusCode());
        assertEquals(202, post(submit, userInput("still serving"), ALICE).statusCode());
        assertTrue(tooLarge.getString("message").contains("MiB"));
    }

    /** The README's curl example sends form-encoded JSON; a 4 KB prompt must go through. */
    @Test
    void curlStyleFormEncodedBodiesWithALargePromptWork() throws Exception {
        HttpResponse<String> created = send("POST", "/sessions", new JsonObject().put("cwd", work.toString()).encode(),
                "Bearer " + ALICE, "Content-Type", "application/x-www-form-urlencoded");
        assertEquals(201, created.statusCode(), created.body());
        String id = new JsonObject(created.body()).getString("session_id");
        String prompt = "p".repeat(4096);
        HttpResponse<String> submitted = send("POST", "/sessions/" + id + "/submissions", userInput(prompt).encode(),
                "Bearer " + ALICE, "Content-Type", "application/x-www-form-urlencoded");
        assertEquals(202, submitted.statusCode(), submitted.body());
        long deadline = System.currentTimeMillis() + 20_000;
        while (System.currentTimeMillis() < deadline && model.requests().stream().noneMatch(r -> r.encode().contains(prompt))) {
            Thread.sleep(50);
        }
        assertTrue(model.requests().stream().anyMatch(r -> r.encode().contains(prompt)), "the 4 KB prompt reached the model");
    }

    /** DNS rebinding: a page under another name, or another origin, gets nothing. */
    @Test
    void unknownHostNamesAndForeignOriginsAreRefused() throws Exception {
        String id = createSession(ALICE);
        String port = hostPort.substring(hostPort.lastIndexOf(':') + 1);
        try (Socket socket = new Socket("127.0.0.1", Integer.parseInt(port))) {
            socket.getOutputStream().write(("GET /api/v1/sessions HTTP/1.1\r\nHost: evil.example:" + port
                    + "\r\nAuthorization: Bearer " + ALICE + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(answer.startsWith("HTTP/1.1 421"), answer);
            assertFalse(answer.contains("\"sessions\""), answer);
        }
        assertError(send("POST", "/sessions/" + id + "/submissions", userInput("hi").encode(), "Bearer " + ALICE,
                "Origin", "http://evil.example"), 403);
        assertEquals(202, send("POST", "/sessions/" + id + "/submissions", userInput("hi").encode(), "Bearer " + ALICE,
                "Origin", "http://" + hostPort).statusCode());
        assertTrue(send("GET", "/sessions", null, "Bearer " + ALICE, "Origin", "http://evil.example")
                .headers().firstValue("Access-Control-Allow-Origin").isEmpty(), "CORS is off unless configured");
    }

    /** Requests the router itself rejects (bad percent-encoding, a bad query) get the same JSON error shape. */
    @Test
    void malformedRequestLinesGetTheJsonErrorShape() throws Exception {
        String port = hostPort.substring(hostPort.lastIndexOf(':') + 1);
        for (String target : List.of("/api/v1/sessions/%zz/events", "/api/v1/sessions?limit=%zz", "/api/v1/%", "/%zz")) {
            try (Socket socket = new Socket("127.0.0.1", Integer.parseInt(port))) {
                socket.getOutputStream().write(("GET " + target + " HTTP/1.1\r\nHost: " + hostPort
                        + "\r\nAuthorization: Bearer " + ALICE + "\r\nConnection: close\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                String head = answer.substring(0, Math.max(0, answer.indexOf("\r\n\r\n")));
                String body = answer.substring(answer.indexOf("\r\n\r\n") + 4);
                assertTrue(head.matches("(?s)HTTP/1.1 4\\d\\d.*") && head.toLowerCase(java.util.Locale.ROOT)
                        .contains("content-type: application/json"), target + " → " + answer);
                assertTrue(body.contains("\"error\"") && !body.contains("Exception"), target + " → " + answer);
            }
        }
        assertEquals(200, send("GET", "/health", null, null).statusCode());
    }

    @Test
    void aNonLoopbackBindWithoutConfiguredTokensRefusesToStart() throws Exception {
        Path home = Files.createDirectories(tmp.resolve("bare-home"));
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", CodexProcess.classpath(), "codex.cli.CodexMain", "serve", "--host", "0.0.0.0", "--port", "0");
        pb.environment().put("OPENAI_API_KEY", "k");
        pb.environment().put("CODEX_HOME", home.toString());
        pb.environment().remove("CODEX_SERVE_TOKEN");
        pb.redirectErrorStream(true);
        Process p = pb.start();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(2, p.exitValue(), out);
        assertTrue(out.contains("gateway.tokens") && out.contains("CODEX_SERVE_TOKEN"), out);
    }
}

package codex.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A real `codex serve` process for tests over HTTP, and the calls they make to it: requests with
 * a bearer token, the one error shape, following a session's Server-Sent Events. One per test
 * class or test; {@link #restart()} keeps the same CODEX_HOME (what survives a restart).
 */
final class ServeProcess implements AutoCloseable {
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final Path home;
    private final Path stderr;
    private final Map<String, String> env;
    private final List<String> args;
    private Process process;
    /** {@code http://127.0.0.1:PORT/api/v1} */
    String base;
    /** {@code 127.0.0.1:PORT} */
    String hostPort;

    private ServeProcess(Path home, Map<String, String> env, List<String> args) {
        this.home = home;
        this.stderr = home.resolveSibling(home.getFileName() + "-serve.err");
        this.env = env;
        this.args = args;
    }

    /**
     * Starts `codex serve --port 0 ARGS` with CODEX_HOME {@code home}, the given environment on top
     * of a key for the model and (if {@code model} is given) its URL, and waits for its first line.
     */
    static ServeProcess start(Path home, FakeModelServer model, Map<String, String> env, String... args) throws Exception {
        Map<String, String> all = new HashMap<>();
        all.put("OPENAI_API_KEY", "k");
        if (model != null) {
            all.put("OPENAI_BASE_URL", model.baseUrl());
        }
        all.putAll(env);
        ServeProcess serve = new ServeProcess(Files.createDirectories(home), all, List.of(args));
        serve.launch();
        return serve;
    }

    private void launch() throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", CodexProcess.classpath(), "codex.cli.CodexMain", "serve", "--port", "0"));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().remove("CODEX_SERVE_TOKEN");
        pb.environment().remove("OPENAI_BASE_URL");
        pb.environment().putAll(TestClusters.environment(cmd));
        pb.environment().putAll(env);
        pb.environment().put("CODEX_HOME", home.toString());
        pb.redirectError(ProcessBuilder.Redirect.appendTo(stderr.toFile()));
        process = pb.start();
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        assertTrue(line != null && line.contains("listening on http://"), line + " / " + log());
        base = line.substring(line.indexOf("http://"), line.indexOf("/api/v1") + "/api/v1".length());
        hostPort = URI.create(base).getAuthority();
        CodexProcesses.drainInBackground(out);
    }

    /** Stops the process and starts it again on the same CODEX_HOME (a new port). */
    void restart() throws Exception {
        stop();
        launch();
    }

    /** Kills the process with SIGKILL (no shutdown of any kind) and starts it again on the same CODEX_HOME. */
    void killAndRestart() throws Exception {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        launch();
    }

    /** What the server wrote on stderr (warnings, the access log), all runs. */
    String log() throws IOException {
        return Files.exists(stderr) ? Files.readString(stderr) : "";
    }

    Path home() {
        return home;
    }

    private void stop() throws InterruptedException {
        if (process != null) {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    @Override
    public void close() throws Exception {
        stop();
    }

    // ---- requests ---------------------------------------------------------------------------

    HttpResponse<String> send(String method, String path, String body, String authorization, String... headers)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A GET outside /api/v1 (e.g. /metrics), with a token or none. */
    HttpResponse<String> getRoot(String path, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://" + hostPort + path)).timeout(Duration.ofSeconds(30));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> get(String path, String token) throws Exception {
        return send("GET", path, null, token == null ? null : "Bearer " + token);
    }

    HttpResponse<String> post(String path, JsonObject body, String token) throws Exception {
        return send("POST", path, body.encode(), token == null ? null : "Bearer " + token,
                "Content-Type", "application/json");
    }

    /** Opens a session in {@code cwd} with extra create fields; asserts 201. */
    String createSession(String token, JsonObject body) throws Exception {
        HttpResponse<String> r = post("/sessions", body, token);
        assertEquals(201, r.statusCode(), r.body());
        return new JsonObject(r.body()).getString("session_id");
    }

    static JsonObject userInput(String id, String text) {
        return new JsonObject().put("id", id).put("op", new JsonObject().put("type", "user_input")
                .put("items", new JsonArray().add(new JsonObject().put("type", "text").put("text", text))));
    }

    /** Every error has one JSON shape with a code and a message, never internals. */
    static JsonObject assertError(HttpResponse<String> r, int status) {
        assertEquals(status, r.statusCode(), r.body());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"), r.headers().toString());
        JsonObject error = new JsonObject(r.body()).getJsonObject("error");
        assertTrue(error != null && error.getString("code") != null && error.getString("message") != null, r.body());
        for (String leak : List.of("Exception", "jackson", "codex.agent", "codex.gateway.", "at codex.")) {
            assertFalse(r.body().contains(leak), "error leaks internals (" + leak + "): " + r.body());
        }
        return error;
    }

    // ---- events -----------------------------------------------------------------------------

    /** Follows the SSE stream on a thread; each parsed event (with its SSE id as {@code _sse_id}) lands in the queue. */
    BlockingQueue<JsonObject> follow(String sessionId, String token, String lastEventId) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + "/sessions/" + sessionId + "/events"))
                .header("Authorization", "Bearer " + token);
        if (lastEventId != null) {
            b.header("Last-Event-ID", lastEventId);
        }
        HttpResponse<java.util.stream.Stream<String>> resp = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofLines());
        assertEquals(200, resp.statusCode());
        assertTrue(resp.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"));
        BlockingQueue<JsonObject> events = new LinkedBlockingQueue<>();
        Thread t = new Thread(() -> {
            String id = null;
            try {
                for (var it = resp.body().iterator(); it.hasNext(); ) {
                    String line = it.next();
                    if (line.startsWith("id: ")) {
                        id = line.substring(4);
                    } else if (line.startsWith("data: ")) {
                        events.add(new JsonObject(line.substring(6)).put("_sse_id", id));
                    }
                }
            } catch (RuntimeException ignored) {
                // the server went away (a restart test)
            }
        });
        t.setDaemon(true);
        t.start();
        return events;
    }

    static JsonObject await(BlockingQueue<JsonObject> events, Predicate<JsonObject> what, List<JsonObject> seen)
            throws InterruptedException {
        long deadline = System.currentTimeMillis() + 30_000;
        while (System.currentTimeMillis() < deadline) {
            JsonObject e = events.poll(200, TimeUnit.MILLISECONDS);
            if (e != null) {
                seen.add(e);
                if (what.test(e)) {
                    return e;
                }
            }
        }
        throw new AssertionError("event never came; saw " + seen);
    }

    static Predicate<JsonObject> type(String t) {
        return e -> e.containsKey("msg") && t.equals(e.getJsonObject("msg").getString("type"));
    }
}

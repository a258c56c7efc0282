package codex.cli;

import static codex.cli.FakeModelServer.shellCall;
import static codex.cli.FakeModelServer.sse;
import static codex.cli.FakeModelServer.textResponse;
import static codex.cli.FakeModelServer.toolCalls;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

/**
 * docker-compose.yml, run without Docker: every service of the file is started as a process on
 * loopback with the file's own command and environment, in the order its depends_on gives, each
 * waited for by its own health check (the ready file). The only rewrites are what a container
 * provides and a process lacks: host names become 127.0.0.1, volumes become temporary folders
 * (every mention of a mount point is rewritten, in arguments, environment and the mounted config),
 * the cluster gets a name of its own and the published port a free one. Then a session goes
 * through the gateway and runs a command in the sandbox process.
 */
class ComposeAsProcessesTest {
    static final String TOKEN = "compose-token-0123456789abcdef";

    @TempDir
    Path tmp;
    final List<Process> processes = new ArrayList<>();
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @AfterEach
    void stopAll() throws Exception {
        for (Process p : processes) {
            p.destroy();
        }
        for (Process p : processes) {
            if (!p.waitFor(15, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
    }

    static Path repoRoot() {
        return CodexProcess.repoRoot();
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> compose() throws IOException {
        return (Map<String, Object>) new Yaml().load(Files.readString(repoRoot().resolve("docker-compose.yml")));
    }

    /** ${VAR}, ${VAR:-default}, ${VAR:?message} as compose resolves them. */
    static String interpolate(String text, Map<String, String> env) {
        Matcher m = Pattern.compile("\\$\\{([A-Z_][A-Z0-9_]*)(?:(:-|:\\?)([^}]*))?}").matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = env.get(m.group(1));
            if (value == null || value.isEmpty()) {
                if (":?".equals(m.group(2))) {
                    throw new AssertionError("compose needs " + m.group(1) + ": " + m.group(3));
                }
                value = ":-".equals(m.group(2)) ? m.group(3) : "";
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** Services in an order that respects depends_on. */
    @SuppressWarnings("unchecked")
    static List<String> startOrder(Map<String, Object> services) {
        List<String> order = new ArrayList<>();
        while (order.size() < services.size()) {
            int before = order.size();
            for (var e : services.entrySet()) {
                Object deps = ((Map<String, Object>) e.getValue()).get("depends_on");
                var names = deps instanceof Map<?, ?> m ? m.keySet() : deps instanceof List<?> l ? l : List.of();
                if (!order.contains(e.getKey()) && order.containsAll((java.util.Collection<?>) names)) {
                    order.add(e.getKey());
                }
            }
            assertTrue(order.size() > before, "depends_on has a cycle: " + services.keySet());
        }
        return order;
    }

    /** `docker-compose config -q` on the file (and on a broken copy, to show the check can fail). */
    @Test
    void dockerComposeValidatesTheFile() throws Exception {
        boolean ci = "true".equals(System.getenv("CI"));
        boolean present = Files.isExecutable(Path.of("/usr/bin/docker-compose"))
                || Files.isExecutable(Path.of("/usr/local/bin/docker-compose"));
        if (!present) {
            assertTrue(!ci, "docker-compose is missing under CI=true: .ci/setup.d/40-docker-compose.sh installs it");
            org.junit.jupiter.api.Assumptions.abort("docker-compose is not installed (apt-get install docker-compose)");
        }
        Path file = repoRoot().resolve("docker-compose.yml");
        assertEquals("", validate(file), "docker-compose config refused " + file);
        Path broken = tmp.resolve("docker-compose.yml");
        Files.writeString(broken, Files.readString(file).replace("depends_on:", "depends_onn:"));
        Files.copy(repoRoot().resolve("Dockerfile"), tmp.resolve("Dockerfile"));
        assertTrue(validate(broken).contains("depends_onn"), "a misspelt key must be refused");
    }

    private String validate(Path file) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("docker-compose", "-f", file.toString(), "config", "-q")
                .directory(file.getParent().toFile()).redirectErrorStream(true);
        pb.environment().put("CODEX_SERVE_TOKEN", TOKEN);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        return p.exitValue() == 0 ? "" : out.isEmpty() ? "exit " + p.exitValue() : out;
    }

    @Test
    @SuppressWarnings("unchecked")
    void theComposeServicesRunASessionAsProcesses() throws Exception {
        Map<String, Object> services = (Map<String, Object>) compose().get("services");
        Path workspace = Files.createDirectories(tmp.resolve("workspace"));
        Path codexHome = Files.createDirectories(tmp.resolve("codex-home"));
        try (var model = new FakeModelServer(List.of(
                sse(toolCalls("r1", List.of(shellCall("c1", "bash", "-c", "echo $PPID > ppid.txt; echo compose-ok > out.txt")))),
                sse(textResponse("r2", "done in compose"))))) {
            Map<String, String> hostEnv = new HashMap<>(Map.of("OPENAI_API_KEY", "k", "OPENAI_BASE_URL", model.baseUrl(),
                    "CODEX_SERVE_TOKEN", TOKEN, "WORKSPACE", workspace.toString()));
            // mount points -> folders here; the named volume is one folder shared by every service, as in compose
            Map<String, String> mounts = new LinkedHashMap<>();
            mounts.put("/codex-home", codexHome.toString());
            mounts.put("/workspace", workspace.toString());
            mounts.put("/cluster-tls", Files.createDirectories(tmp.resolve("cluster-tls")).toString());
            String cluster = "codex-compose-" + UUID.randomUUID();
            Map<String, Long> pids = new HashMap<>();
            String apiBase = null;
            for (String name : startOrder(services)) {
                Map<String, Object> service = (Map<String, Object>) services.get(name);
                for (Object volume : (List<Object>) service.getOrDefault("volumes", List.of())) {
                    String[] parts = interpolate(volume.toString(), hostEnv).split(":");
                    if (parts[1].endsWith("config.toml")) { // the mounted config, with mount points rewritten
                        String text = Files.readString(repoRoot().resolve(parts[0]));
                        for (var m : mounts.entrySet()) {
                            text = text.replace("\"" + m.getKey(), "\"" + m.getValue());
                        }
                        Files.writeString(codexHome.resolve("config.toml"), text);
                    } else {
                        assertTrue(mounts.containsKey(parts[1]), name + ": a volume this test does not map: " + volume);
                    }
                }
                if (service.containsKey("entrypoint")) { // a one-shot job (the cluster's TLS folder) runs to its end first
                    runOnce(name, (List<Object>) service.get("entrypoint"), (List<Object>) service.get("command"), mounts);
                    continue;
                }
                Path ready = tmp.resolve(name + ".ready");
                List<String> args = new ArrayList<>();
                List<Object> command = (List<Object>) service.get("command");
                for (int i = 0; i < command.size(); i++) {
                    String arg = String.valueOf(command.get(i));
                    String previous = i > 0 ? String.valueOf(command.get(i - 1)) : "";
                    if ((previous.equals("--cluster-host") || previous.equals("--cluster-member"))
                            && services.containsKey(arg)) {
                        arg = "127.0.0.1"; // a compose host name
                    } else if (arg.equals("/tmp/codex-ready")) {
                        arg = ready.toString();
                    } else if (previous.equals("--port")) {
                        arg = "0";
                    } else if (mounts.containsKey(arg)) {
                        arg = mounts.get(arg); // a mount point named on the command line
                    }
                    args.add(arg);
                    if (i == 0) {
                        args.addAll(List.of("--cluster-name", cluster));
                    }
                }
                Map<String, String> env = new HashMap<>();
                ((Map<String, Object>) service.getOrDefault("environment", Map.of())).forEach((k, v) -> {
                    String value = interpolate(String.valueOf(v), hostEnv);
                    for (var m : mounts.entrySet()) {
                        value = value.equals(m.getKey()) ? m.getValue() : value;
                    }
                    env.put(k, value);
                });
                Process p = start(name, env, args);
                long deadline = System.currentTimeMillis() + 90_000;
                while (!Files.exists(ready)) { // the service's health check
                    assertTrue(p.isAlive(), name + " exited: " + Files.readString(tmp.resolve(name + ".err")));
                    assertTrue(System.currentTimeMillis() < deadline, name + " never became healthy: "
                            + Files.readString(tmp.resolve(name + ".err")));
                    Thread.sleep(100);
                }
                pids.put(name, p.pid());
                String out = Files.readString(tmp.resolve(name + ".out"));
                Matcher listening = Pattern.compile("(http://[^ ]+/api/v1)").matcher(out);
                if (listening.find()) {
                    // clients reach it through the published port on the host's loopback
                    apiBase = listening.group(1).replace("//0.0.0.0:", "//127.0.0.1:");
                }
            }
            assertTrue(apiBase != null, "no service of the file serves the HTTP API");

            // every service reachable on the bus: members announce their consumers a moment after joining
            HttpResponse<String> ready;
            long readyBy = System.currentTimeMillis() + 30_000;
            do {
                ready = http.send(HttpRequest.newBuilder(URI.create(apiBase + "/ready"))
                        .header("Authorization", "Bearer " + TOKEN).build(), HttpResponse.BodyHandlers.ofString());
                if (ready.statusCode() != 200) {
                    Thread.sleep(250);
                }
            } while (ready.statusCode() != 200 && System.currentTimeMillis() < readyBy);
            assertEquals(200, ready.statusCode(), ready.body());
            HttpResponse<String> created = ApiCalls.post(apiBase + "/sessions", new JsonObject().put("cwd", workspace.toString()), TOKEN);
            assertEquals(201, created.statusCode(), created.body());
            String id = new JsonObject(created.body()).getString("session_id");
            BlockingQueue<JsonObject> events = ApiCalls.follow(apiBase + "/sessions/" + id + "/events", TOKEN);
            assertEquals(202, ApiCalls.post(apiBase + "/sessions/" + id + "/submissions", new JsonObject().put("id", "s1")
                    .put("op", new JsonObject().put("type", "user_input").put("items", new JsonArray()
                            .add(new JsonObject().put("type", "text").put("text", "run it")))), TOKEN).statusCode());
            JsonObject done = ApiCalls.await(events, "task_complete", new ArrayList<>());
            assertEquals("done in compose", done.getJsonObject("msg").getString("last_agent_message"));
            assertEquals("compose-ok", Files.readString(workspace.resolve("out.txt")).strip());
            assertEquals(String.valueOf(pids.get("sandbox")), Files.readString(workspace.resolve("ppid.txt")).strip(),
                    "the command ran in the sandbox service's process");
        }
    }

    /**
     * A service whose entrypoint is a script the Dockerfile copies from the repository: run that
     * script with the command's arguments (mount points mapped to folders here) and require exit 0.
     */
    private void runOnce(String name, List<Object> entrypoint, List<Object> command, Map<String, String> mounts)
            throws Exception {
        String dockerfile = Files.readString(repoRoot().resolve("Dockerfile"));
        List<String> cmd = new ArrayList<>();
        for (Object part : entrypoint) {
            String arg = String.valueOf(part);
            Matcher copied = Pattern.compile("(?m)^COPY (\\S+) " + Pattern.quote(arg) + "$").matcher(dockerfile);
            if (arg.startsWith("/")) {
                assertTrue(copied.find(), name + ": " + arg + " is not copied into the image by the Dockerfile");
                arg = repoRoot().resolve(copied.group(1)).toString();
            }
            cmd.add(arg);
        }
        for (Object part : command == null ? List.of() : command) {
            cmd.add(mounts.getOrDefault(String.valueOf(part), String.valueOf(part)));
        }
        Process p = new ProcessBuilder(cmd).directory(tmp.toFile()).redirectErrorStream(true)
                .redirectOutput(tmp.resolve(name + ".out").toFile()).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), name + " did not finish");
        assertEquals(0, p.exitValue(), name + ": " + Files.readString(tmp.resolve(name + ".out")));
    }

    private Process start(String name, Map<String, String> env, List<String> args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", CodexProcess.classpath(), "codex.cli.CodexMain"));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(tmp.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("OPENAI_") || k.startsWith("CODEX_"));
        pb.environment().putAll(TestClusters.environment(args));
        pb.environment().putAll(env);
        pb.redirectOutput(tmp.resolve(name + ".out").toFile());
        pb.redirectError(tmp.resolve(name + ".err").toFile());
        Process p = pb.start();
        processes.add(p);
        return p;
    }



}

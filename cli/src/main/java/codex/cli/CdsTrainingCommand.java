package codex.cli;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine.Command;

/**
 * Hidden: runs {@code codex exec} the way users do, inside this JVM, against a model server of its
 * own, so `bin/codex` can record the classes it loads into a CDS archive
 * ({@code -XX:ArchiveClassesAtExit}) once per build; later runs map that archive and start faster.
 * The same path as a real run: the command line read by {@link FastExecArgs}, config.toml and an
 * AGENTS.md loaded, the session recorded in its rollout, a login-shell command, a patch, a streamed
 * answer; once with the human output and once with {@code --json}. Everything lives in a temporary
 * CODEX_HOME and repository that are deleted afterwards.
 */
@Command(name = "__cds-training", hidden = true)
public final class CdsTrainingCommand implements Callable<Integer> {

    @picocli.CommandLine.Parameters(index = "0", arity = "0..1", defaultValue = "exec",
            description = "exec (the default), or cluster: what `codex service` and `codex serve` load")
    String mode;

    @Override
    public Integer call() throws Exception {
        return "cluster".equals(mode) ? cluster() : exec();
    }

    /**
     * A clustered member alone on loopback (a cluster name of its own) with every service
     * deployed, then closed: Hazelcast's classes, which `codex service` loads from the jar otherwise.
     */
    private static int cluster() throws Exception {
        Path home = Files.createTempDirectory("codex-cds-home");
        try {
            Map<String, String> env = new HashMap<>(System.getenv());
            env.put("CODEX_HOME", home.toString());
            // a port of its own (free now), so a training run never meets a cluster running on 5701
            int port;
            try (java.net.ServerSocket free = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
                port = free.getLocalPort();
            }
            Vertx vertx = Cluster.start(new Cluster.Options("cds-training-" + java.util.UUID.randomUUID(), "127.0.0.1",
                    java.util.List.of("127.0.0.1:" + port), null, false, port));
            try {
                Services.deployAll(vertx, env, java.util.List.of()).toCompletionStage().toCompletableFuture()
                        .get(60, TimeUnit.SECONDS);
            } finally {
                vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            }
            return 0;
        } finally {
            try (var files = Files.walk(home)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static int exec() throws Exception {
        Vertx serverVertx = Vertx.vertx();
        AtomicInteger requests = new AtomicInteger();
        HttpServer server = serverVertx.createHttpServer().requestHandler(req -> req.body().onSuccess(b -> {
            int n = requests.getAndIncrement() % 3;
            JsonObject item = switch (n) {
                case 0 -> call("c0", new JsonArray().add("bash").add("-lc").add("echo trained"));
                case 1 -> call("c1", new JsonArray().add("apply_patch")
                        .add("*** Begin Patch\n*** Add File: trained.txt\n+ok\n*** End Patch\n"));
                default -> new JsonObject().put("type", "message").put("role", "assistant").put("content",
                        new JsonArray().add(new JsonObject().put("type", "output_text").put("text", "done")));
            };
            req.response().setChunked(true).putHeader("content-type", "text/event-stream");
            req.response().write(sse(new JsonObject().put("type", "response.created")
                    .put("response", new JsonObject().put("id", "r" + n))));
            if (n == 2) {
                req.response().write(sse(new JsonObject().put("type", "response.output_text.delta").put("delta", "do")));
                req.response().write(sse(new JsonObject().put("type", "response.output_text.delta").put("delta", "ne")));
            }
            req.response().write(sse(new JsonObject().put("type", "response.output_item.done").put("item", item)));
            req.response().end(sse(new JsonObject().put("type", "response.completed").put("response",
                    new JsonObject().put("id", "r" + n).put("usage", new JsonObject().put("input_tokens", 1)
                            .put("output_tokens", 1).put("total_tokens", 2)))));
        }));
        server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        Path work = Files.createTempDirectory("codex-cds");
        PrintStream out = System.out;
        PrintStream err = System.err;
        try {
            Path home = Files.createDirectories(work.resolve("home"));
            Path repo = Files.createDirectories(work.resolve("repo"));
            Files.createDirectories(repo.resolve(".git"));
            Files.writeString(repo.resolve("AGENTS.md"), "# Training\nRun the tests before you finish.\n");
            Files.writeString(home.resolve("config.toml"), String.join("\n",
                    "model = \"o4-mini\"",
                    "model_reasoning_effort = \"medium\"",
                    "[history]",
                    "persistence = \"save-all\"",
                    "[profiles.training]",
                    "model = \"o4-mini\"",
                    ""));
            Map<String, String> env = new HashMap<>(System.getenv());
            env.put("CODEX_HOME", home.toString());
            env.put("OPENAI_API_KEY", "cds-training");
            env.put("OPENAI_BASE_URL", "http://127.0.0.1:" + server.actualPort() + "/v1");
            PrintStream sink = new PrintStream(OutputStream.nullOutputStream());
            System.setOut(sink);
            System.setErr(sink);
            int code = 0;
            for (String[] args : new String[][] {
                    {"exec", "--full-auto", "-C", repo.toString(), "-c", "model_providers.openai.request_max_retries=0", "train"},
                    {"exec", "--json", "--full-auto", "-C", repo.toString(), "train"}}) {
                ExecCommand exec = FastExecArgs.parse(args);
                exec.environment = env;
                code = Math.max(code, FastExecArgs.execute(exec));
            }
            return code;
        } finally {
            System.setOut(out);
            System.setErr(err);
            serverVertx.close();
            try (var files = Files.walk(work)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static JsonObject call(String id, JsonArray command) {
        return new JsonObject().put("type", "function_call").put("call_id", id).put("name", "shell")
                .put("arguments", new JsonObject().put("command", command).encode());
    }

    private static String sse(JsonObject event) {
        return "data: " + event.encode() + "\n\n";
    }
}

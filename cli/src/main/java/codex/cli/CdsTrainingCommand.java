package codex.cli;

import codex.protocol.ProviderSpec;
import codex.protocol.SessionConfig;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine.Command;

/**
 * Hidden: runs one representative exec session (a command, a patch, an answer) against a model
 * server inside this JVM, so `bin/codex` can record the classes it loads into a CDS archive
 * ({@code -XX:ArchiveClassesAtExit}) once per build. Later runs map that archive and start faster.
 */
@Command(name = "__cds-training", hidden = true)
public final class CdsTrainingCommand implements Callable<Integer> {

    @Override
    public Integer call() throws Exception {
        Vertx serverVertx = Vertx.vertx();
        AtomicInteger requests = new AtomicInteger();
        HttpServer server = serverVertx.createHttpServer().requestHandler(req -> req.body().onSuccess(b -> {
            int n = requests.getAndIncrement();
            JsonObject item = switch (n) {
                case 0 -> call("c0", new JsonArray().add("bash").add("-c").add("echo trained"));
                case 1 -> call("c1", new JsonArray().add("apply_patch")
                        .add("*** Begin Patch\n*** Add File: trained.txt\n+ok\n*** End Patch\n"));
                default -> new JsonObject().put("type", "message").put("role", "assistant").put("content",
                        new JsonArray().add(new JsonObject().put("type", "output_text").put("text", "done")));
            };
            req.response().setChunked(true).putHeader("content-type", "text/event-stream");
            if (n >= 2) {
                req.response().write(sse(new JsonObject().put("type", "response.output_text.delta").put("delta", "done")));
            }
            req.response().write(sse(new JsonObject().put("type", "response.output_item.done").put("item", item)));
            req.response().end(sse(new JsonObject().put("type", "response.completed").put("response",
                    new JsonObject().put("id", "r" + n).put("usage", new JsonObject().put("input_tokens", 1)
                            .put("output_tokens", 1).put("total_tokens", 2)))));
        }));
        server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        Path work = Files.createTempDirectory("codex-cds");
        try {
            ProviderSpec provider = new ProviderSpec("training", "training", "http://127.0.0.1:" + server.actualPort() + "/v1",
                    null, null, codex.protocol.WireApi.RESPONSES, Map.of(), Map.of(), Map.of(), 0, 0, 10_000);
            SessionConfig config = new SessionConfig("training", provider, codex.protocol.ApprovalPolicy.NEVER,
                    List.of("disk-full-read-access", "disk-write-cwd"), work.toString(), true, null, null, List.of(),
                    null, null, null, codex.protocol.HistoryPersistence.NONE);
            PrintStream sink = new PrintStream(OutputStream.nullOutputStream());
            return new ExecCommand().run(config, "train", sink, sink);
        } finally {
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

package codex.cli.bench;

import codex.cli.FakeModelServer;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * Benchmark helper: a scripted model server that asks for N shell steps per session and then
 * answers. Requests are counted per run by watching for a request without function outputs.
 * Usage: ScriptedServerMain STEPS — prints the base URL, then serves until killed.
 */
public final class ScriptedServerMain {
    private ScriptedServerMain() {
    }

    public static void main(String[] args) throws Exception {
        int steps = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        var counter = new Object() {
            int stepInRun;
        };
        FakeModelServer server = new FakeModelServer(index -> {
            synchronized (counter) {
                int step = counter.stepInRun++;
                if (step < steps) {
                    JsonObject call = FakeModelServer.shellCall("step-" + step, "bash", "-c",
                            "echo step " + step + " >> steps.log");
                    return FakeModelServer.sse(FakeModelServer.toolCalls("r" + index, List.of(call)));
                }
                counter.stepInRun = 0;
                return FakeModelServer.sse(FakeModelServer.textResponse("r" + index, "Did " + steps + " steps."));
            }
        });
        System.out.println(server.baseUrl());
        System.out.flush();
        Thread.currentThread().join();
    }
}

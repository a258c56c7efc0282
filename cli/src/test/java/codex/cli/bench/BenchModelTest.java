package codex.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The steps workload's split of a step gap into the command's own run and our overhead: the
 * scripted command, run by a real bash, reports its span; the model reads it back from the next
 * request and the parts add up to the gap, on one clock.
 */
class BenchModelTest {
    @Test
    void theCommandsOwnSpanSplitsTheGap(@TempDir Path dir) throws Exception {
        try (BenchModel model = new BenchModel(0)) {
            HttpClient http = HttpClient.newHttpClient();
            JsonObject user = new JsonObject().put("type", "message").put("role", "user")
                    .put("content", "bench steps=1 tag=split login=0");
            String first = post(http, model, new JsonArray().add(user));
            JsonObject args = first.lines().filter(l -> l.startsWith("data: ")).map(l -> new JsonObject(l.substring(6)))
                    .filter(e -> "response.output_item.done".equals(e.getString("type")))
                    .map(e -> new JsonObject(e.getJsonObject("item").getString("arguments"))).findFirst().orElseThrow();
            List<Object> argv = args.getJsonArray("command").getList();
            Process p = new ProcessBuilder(argv.stream().map(String::valueOf).toList()).directory(dir.toFile())
                    .redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, p.waitFor(), output);
            assertEquals("step 0", Files.readString(dir.resolve("steps.log")).trim());
            assertTrue(output.startsWith("bench-t "), output);
            post(http, model, new JsonArray().add(user)
                    .add(new JsonObject().put("type", "function_call").put("call_id", "call_0").put("name", "shell"))
                    .add(new JsonObject().put("type", "function_call_output").put("call_id", "call_0")
                            .put("output", new JsonObject().put("output", output).encode())));
            List<double[]> splits = model.trace("split").stepSplitsMs();
            assertEquals(1, splits.size());
            double[] s = splits.get(0);
            double gap = model.trace("split").stepGapsMs().get(0);
            assertTrue(s[1] > 0 && s[2] >= 0 && s[3] > 0, "before, command, after: " + s[1] + " " + s[2] + " " + s[3]);
            assertEquals(s[0], s[1] + s[2] + s[3], 1e-6);
            // wall clock and monotonic clock agree on the gap to well under a millisecond
            assertEquals(gap, s[0], 0.5);
            assertTrue(s[2] < s[0], "the command ran within the gap");
        }
    }

    private static String post(HttpClient http, BenchModel model, JsonArray input) throws Exception {
        JsonObject body = new JsonObject().put("model", "m").put("input", input)
                .put("tools", new JsonArray().add(new JsonObject().put("type", "function").put("name", "shell")));
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(model.baseUrl() + "/responses"))
                .POST(HttpRequest.BodyPublishers.ofString(body.encode())).build(), HttpResponse.BodyHandlers.ofString());
        return r.body();
    }
}

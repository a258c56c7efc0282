package codex.notifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import codex.protocol.Addresses;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The notifier runs the program of its own configuration; a program named in a bus message is never run. */
class NotifierVerticleTest {
    @TempDir
    Path tmp;

    private static JsonObject turnComplete(Path pwned) {
        return new JsonObject().put("turn_id", "t1").put("input_messages", new JsonArray().add("hi"))
                .put("last_assistant_message", "done")
                .put("notify", new JsonArray().add("touch").add(pwned.toString())); // what an old or hostile sender adds
    }

    /** Publishes, then undeploys: the verticle's stop waits for the programs it started. */
    private static void publishAndStop(List<String> configured, JsonObject body) throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            String id = vertx.deployVerticle(new NotifierVerticle(configured)).toCompletionStage().toCompletableFuture()
                    .get(10, TimeUnit.SECONDS);
            vertx.eventBus().publish(Addresses.NOTIFIER_TURN_COMPLETE, body);
            Thread.sleep(300); // let the consumer pick it up before undeploying
            vertx.undeploy(id).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void runsItsOwnProgramAndIgnoresAnArgvInTheMessage() throws Exception {
        Path pwned = tmp.resolve("pwned");
        Path captured = tmp.resolve("payload.json");
        publishAndStop(List.of("bash", "-c", "printf '%s' \"$1\" > '" + captured + "'", "notify"), turnComplete(pwned));
        assertFalse(Files.exists(pwned), "the argv from the message ran");
        JsonObject payload = new JsonObject(Files.readString(captured));
        assertEquals("t1", payload.getString("turn-id"));
        assertEquals("done", payload.getString("last-assistant-message"));
    }

    @Test
    void withoutAConfiguredProgramNothingRunsWhateverTheMessageSays() throws Exception {
        Path pwned = tmp.resolve("pwned");
        publishAndStop(List.of(), turnComplete(pwned));
        assertFalse(Files.exists(pwned), "the argv from the message ran");
    }

    @Test
    void theAnswerComesAfterTheProgramRanAndATurnSentAgainIsNotRunTwice() throws Exception {
        Path runs = tmp.resolve("runs");
        Vertx vertx = Vertx.vertx();
        try {
            vertx.deployVerticle(new NotifierVerticle(List.of("bash", "-c", "sleep 0.3; echo \"$1\" >> '" + runs + "'",
                    "notify"))).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            JsonObject turn = turnComplete(tmp.resolve("pwned")).put("session_id", "s1");
            JsonObject first = codex.protocol.BusRequests.asJson(vertx.eventBus().request(Addresses.NOTIFIER_TURN_COMPLETE, turn)
                    .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS).body());
            assertEquals(new JsonObject().put("ran", true), first);
            assertEquals(1, Files.readAllLines(runs).size(), "answered only once the program had run");
            JsonObject again = codex.protocol.BusRequests.asJson(vertx.eventBus().request(Addresses.NOTIFIER_TURN_COMPLETE, turn)
                    .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS).body());
            assertEquals(new JsonObject().put("ran", false), again, "the same turn of the same session, sent again");
            JsonObject other = codex.protocol.BusRequests.asJson(vertx.eventBus().request(Addresses.NOTIFIER_TURN_COMPLETE,
                    turn.copy().put("turn_id", "t2")).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS)
                    .body());
            assertEquals(new JsonObject().put("ran", true), other);
            assertEquals(2, Files.readAllLines(runs).size());
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }
}

package codex.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import codex.protocol.Addresses;
import codex.protocol.Json;
import codex.protocol.SandboxMessages.AttachExec;
import codex.protocol.SandboxMessages.ExecAttached;
import codex.protocol.SandboxMessages.ExecCommand;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Attaching to a command by session and call id, over the event bus to a real sandbox: while it
 * runs (the further output streams to the attacher, then the result comes), after it finished
 * (the kept result at once), and for a call it never ran ("unknown"). The command runs once.
 */
class AttachByCallIdTest {
    private Vertx vertx;

    @BeforeEach
    void deploy() throws Exception {
        vertx = Vertx.vertx();
        vertx.deployVerticle(new SandboxVerticle(() -> Sandboxes.EXECUTOR, false)).toCompletionStage()
                .toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    @AfterEach
    void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private CompletableFuture<JsonObject> request(String address, Object body) {
        return vertx.eventBus().request(address, Json.toJson(body), new DeliveryOptions().setSendTimeout(30_000))
                .map(m -> codex.protocol.BusRequests.asJson(m.body())).toCompletionStage().toCompletableFuture();
    }

    @Test
    void anAttacherGetsTheRestOfTheOutputAndTheResultOfTheOneRun(@org.junit.jupiter.api.io.TempDir java.nio.file.Path cwd)
            throws Exception {
        List<JsonObject> firstOwner = new CopyOnWriteArrayList<>();
        List<JsonObject> attacher = new CopyOnWriteArrayList<>();
        CountDownLatch begun = new CountDownLatch(1);
        vertx.eventBus().consumer("test.owner-1", m -> {
            JsonObject body = codex.protocol.BusRequests.asJson(m.body());
            firstOwner.add(body);
            if (body.encode().contains("one")) {
                begun.countDown();
            }
            if (m.replyAddress() != null) {
                m.reply(new JsonObject());
            }
        });
        vertx.eventBus().consumer("test.owner-2", m -> {
            attacher.add(codex.protocol.BusRequests.asJson(m.body()));
            if (m.replyAddress() != null) {
                m.reply(new JsonObject());
            }
        });
        String script = "echo one; echo x >> count; sleep 1; echo two";
        CompletableFuture<JsonObject> ran = request(Addresses.SANDBOX_EXEC, new ExecCommand("e1",
                List.of("sh", "-c", script), cwd.toString(), null, 30_000,
                List.of("disk-full-read-access", "disk-write-cwd"), false, "test.owner-1", 0, "s1", "c1"));
        assertTrue(begun.await(20, TimeUnit.SECONDS), "first output seen: " + firstOwner);

        ExecAttached attached = Json.fromJson(request(Addresses.SANDBOX_ATTACH,
                new AttachExec("s1", "c1", "a1", "test.owner-2")).get(30, TimeUnit.SECONDS), ExecAttached.class);
        assertTrue(attached.known());
        assertEquals(0, attached.result().exitCode());
        assertEquals("one\ntwo\n", attached.result().stdout(), "the whole output in the result");
        assertTrue(attacher.stream().noneMatch(c -> c.containsKey("type")), "one JVM: no exec_started notice");
        assertTrue(attacher.stream().anyMatch(c -> "a1".equals(c.getString("exec_id")) && "two\n".equals(c.getString("text"))),
                "the rest streamed to the attacher under its own id: " + attacher);
        assertFalse(attacher.stream().anyMatch(c -> "one\n".equals(c.getString("text"))), "not what came before");
        ran.get(30, TimeUnit.SECONDS);

        ExecAttached later = Json.fromJson(request(Addresses.SANDBOX_ATTACH,
                new AttachExec("s1", "c1", "a2", null)).get(30, TimeUnit.SECONDS), ExecAttached.class);
        assertTrue(later.known());
        assertEquals("one\ntwo\n", later.result().stdout(), "a finished command's result is kept");
        assertEquals(List.of("x"), java.nio.file.Files.readAllLines(cwd.resolve("count")), "it ran once");

        ExecAttached unknown = Json.fromJson(request(Addresses.SANDBOX_ATTACH,
                new AttachExec("s1", "c-never", "a3", null)).get(30, TimeUnit.SECONDS), ExecAttached.class);
        assertFalse(unknown.known());
    }
}

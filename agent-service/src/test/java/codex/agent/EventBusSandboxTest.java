package codex.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import codex.protocol.Addresses;
import codex.protocol.Json;
import codex.protocol.SandboxMessages.ExecCommand;
import codex.protocol.SandboxMessages.ExecFinished;
import codex.protocol.SandboxMessages.ExecStarted;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The agent's side of a sandbox that never answers, on a real event bus: a fake sandbox confirms
 * the command from "node sandbox-a" and then says nothing, whatever it is asked. When that node
 * leaves the cluster's member list the command fails as lost at once; when the agent asks it to
 * stop (interrupt), the wait ends after the grace. A sandbox that answers is heard as before.
 */
class EventBusSandboxTest {
    private Vertx vertx;
    private Context loop;
    private final AtomicReference<Set<String>> members = new AtomicReference<>(Set.of("agent", "sandbox-a"));
    private EventBusSandbox sandbox;
    private final CountDownLatch confirmed = new CountDownLatch(1);
    /** What the fake sandbox answers ("" = nothing at all). */
    private volatile String answer = "";

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        loop = vertx.getOrCreateContext();
        onLoop(() -> vertx.eventBus().consumer(Addresses.SANDBOX_EXEC, msg -> {
            ExecCommand cmd = codex.protocol.BusRequests.body(msg.body(), ExecCommand.class);
            vertx.eventBus().request(cmd.outputAddress(), Json.toJson(ExecStarted.of(cmd.execId(), "sandbox-a")))
                    .onSuccess(ack -> confirmed.countDown());
            if (!answer.isEmpty()) {
                msg.reply(Json.toJson(new ExecFinished(cmd.execId(), 0, 0, false, false, 5, answer, "", 0, false, null)));
            }
        }).completion());
        sandbox = new EventBusSandbox(vertx, "codex.test.exec-output", members::get);
        onLoop(() -> sandbox.listen());
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private <T> T onLoop(Supplier<Future<T>> work) throws Exception {
        CompletableFuture<T> out = new CompletableFuture<>();
        loop.runOnContext(v -> work.get().onComplete(ar -> {
            if (ar.succeeded()) {
                out.complete(ar.result());
            } else {
                out.completeExceptionally(ar.cause());
            }
        }));
        return out.get(20, TimeUnit.SECONDS);
    }

    private CompletableFuture<ExecFinished> exec(String execId) {
        CompletableFuture<ExecFinished> out = new CompletableFuture<>();
        loop.runOnContext(v -> sandbox.exec(new ExecCommand(execId, List.of("sleep", "60"), "/", null, 0,
                List.of(), false, null, 0), chunk -> { }).onComplete(ar -> {
            if (ar.succeeded()) {
                out.complete(ar.result());
            } else {
                out.completeExceptionally(ar.cause());
            }
        }));
        return out;
    }

    private static Throwable failure(CompletableFuture<?> f) throws Exception {
        try {
            f.get(20, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return e.getCause();
        }
        throw new AssertionError("succeeded: " + f.get());
    }

    @Test
    void aCommandWhoseSandboxNodeLeavesTheClusterFailsAsLostAtOnce() throws Exception {
        CompletableFuture<ExecFinished> result = exec("e1");
        assertTrue(confirmed.await(10, TimeUnit.SECONDS));
        Thread.sleep(2 * EventBusSandbox.MEMBERSHIP_CHECK_MS);
        assertTrue(!result.isDone(), "still waiting while the node is a member");
        long leftAt = System.nanoTime();
        members.set(Set.of("agent"));
        Throwable lost = failure(result);
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - leftAt);
        assertInstanceOf(SandboxLostException.class, lost);
        assertTrue(lost.getMessage().startsWith("sandbox lost while running the command; it was stopped"),
                lost.getMessage());
        assertTrue(ms < 2_000, "told after " + ms + " ms");
    }

    @Test
    void anInterruptEndsTheWaitWhenTheSandboxDoesNotAnswerTheStop() throws Exception {
        CompletableFuture<ExecFinished> result = exec("e2");
        assertTrue(confirmed.await(10, TimeUnit.SECONDS));
        long cancelledAt = System.nanoTime();
        loop.runOnContext(v -> sandbox.cancel("e2"));
        Throwable given = failure(result);
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - cancelledAt);
        assertInstanceOf(SandboxLostException.class, given);
        assertTrue(given.getMessage().contains("did not answer the stop"), given.getMessage());
        assertTrue(ms >= InFlightExecs.CANCEL_GRACE_MS - 50 && ms < InFlightExecs.CANCEL_GRACE_MS + 5_000,
                "given up after " + ms + " ms");
    }

    @Test
    void aSandboxThatAnswersIsHeard() throws Exception {
        answer = "done\n";
        assertEquals("done\n", exec("e3").get(20, TimeUnit.SECONDS).stdout());
        members.set(Set.of("agent")); // the node leaving afterwards changes nothing
        assertEquals("done\n", exec("e4").get(20, TimeUnit.SECONDS).stdout(), "a confirmed node's absence is only "
                + "judged against the commands it runs");
    }
}

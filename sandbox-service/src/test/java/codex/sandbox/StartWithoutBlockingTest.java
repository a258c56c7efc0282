package codex.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import codex.protocol.Addresses;
import codex.protocol.BusRequests;
import codex.protocol.SandboxMessages.ExecCommand;
import codex.protocol.SandboxMessages.ExecFinished;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sandbox verticle hands a command straight to the executor's own thread (no worker hop): the
 * preparation (a shell snapshot's capture may take seconds) and the executor's checks run there, never
 * on the caller's thread, and what they refuse reaches the caller as before.
 */
@org.junit.jupiter.api.Timeout(120)
class StartWithoutBlockingTest {
    @TempDir
    Path cwd;

    private ExecRequest request(Path dir, List<String> argv, String... perms) {
        Map<String, String> env = new HashMap<>(EnvPolicy.childEnvironment());
        return new ExecRequest(argv, dir, env, 10_000, Sandboxes.perms(perms), ExecRequest.DEFAULT_MAX_OUTPUT_BYTES,
                false);
    }

    @Test
    void thePreparationRunsOnTheExecutorsThreadAndTheCallerDoesNotWaitForIt() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicReference<String> preparedOn = new AtomicReference<>();
        long before = System.nanoTime();
        ExecHandle h = Sandboxes.EXECUTOR.startWithoutBlocking(
                request(cwd, List.of("sh", "-c", "echo $X"), "disk-write-cwd"), r -> {
                    preparedOn.set(Thread.currentThread().getName());
                    try {
                        release.await(); // a login shell's capture, say
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                    Map<String, String> env = new HashMap<>(r.env());
                    env.put("X", "prepared");
                    return new ExecRequest(r.argv(), r.cwd(), env, r.timeoutMs(), r.permissions(),
                            r.maxOutputBytes(), false);
                }, OutputListener.NONE).orElseThrow();
        assertTrue(System.nanoTime() - before < TimeUnit.SECONDS.toNanos(5), "returned while the preparation waits");
        assertFalse(h.result().isDone());
        release.countDown();
        ExecResult r = h.result().get(20, TimeUnit.SECONDS);
        assertEquals("prepared\n", r.stdout(), Sandboxes.describe(r));
        assertTrue(preparedOn.get().startsWith("codex-sandbox-io-"), preparedOn.get());
    }

    @Test
    void whatStartWouldRefuseFailsTheResultInstead() throws Exception {
        ExecHandle gone = Sandboxes.EXECUTOR.startWithoutBlocking(
                request(cwd.resolve("missing"), List.of("true"), "disk-write-cwd"), r -> r, OutputListener.NONE)
                .orElseThrow();
        CompletionException e = org.junit.jupiter.api.Assertions.assertThrows(CompletionException.class,
                () -> gone.result().join());
        assertInstanceOf(IllegalArgumentException.class, e.getCause());
        assertTrue(e.getCause().getMessage().contains("does not exist or is not a directory"), e.getCause().getMessage());

        ExecHandle failedPrepare = Sandboxes.EXECUTOR.startWithoutBlocking(request(cwd, List.of("true"), "disk-write-cwd"),
                r -> {
                    throw new IllegalStateException("no snapshot today");
                }, OutputListener.NONE).orElseThrow();
        e = org.junit.jupiter.api.Assertions.assertThrows(CompletionException.class, () -> failedPrepare.result().join());
        assertEquals("no snapshot today", e.getCause().getMessage());
    }

    @Test
    void aCancelBeforeTheSpawnStillStopsTheCommand() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        ExecHandle h = Sandboxes.EXECUTOR.startWithoutBlocking(request(cwd, List.of("sleep", "30"), "disk-write-cwd"),
                r -> {
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                    return r;
                }, OutputListener.NONE).orElseThrow();
        h.cancel();
        release.countDown();
        ExecResult r = h.result().get(20, TimeUnit.SECONDS);
        assertTrue(r.cancelled(), Sandboxes.describe(r));
        assertTrue(r.durationMs() < 20_000, Sandboxes.describe(r));
    }

    @Test
    void overTheBusTheRefusalReadsAsItDid() throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            vertx.deployVerticle(new SandboxVerticle(() -> Sandboxes.EXECUTOR, false)).toCompletionStage()
                    .toCompletableFuture().get(30, TimeUnit.SECONDS);
            CompletableFuture<ExecFinished> reply = BusRequests.call(vertx,
                    Addresses.SANDBOX_EXEC, new ExecCommand("e1", List.of("true"),
                            cwd.resolve("missing").toString(), null, 10_000, List.of("disk-write-cwd"), false, null, 0,
                            null, null), ExecFinished.class, new DeliveryOptions().setSendTimeout(30_000))
                    .toCompletionStage().toCompletableFuture();
            ExecFinished finished = reply.get(30, TimeUnit.SECONDS);
            assertEquals(127, finished.exitCode());
            assertEquals("working directory " + cwd.resolve("missing") + " does not exist or is not a directory",
                    finished.error());

            ExecFinished ran = BusRequests.call(vertx, Addresses.SANDBOX_EXEC,
                    new ExecCommand("e2", List.of("sh", "-c", "echo hi"), cwd.toString(), null, 10_000,
                            List.of("disk-write-cwd"), false, null, 0, null, null), ExecFinished.class,
                    new DeliveryOptions().setSendTimeout(30_000))
                    .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            assertEquals("hi\n", ran.stdout());
            assertEquals(0, ran.exitCode());
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }
}

package codex.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import codex.sandbox.CommandExecutor;
import codex.sandbox.ExecRequest;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class LazyExecutorTest {
    private final AtomicInteger made = new AtomicInteger();
    private final List<ExecRequest> started = new CopyOnWriteArrayList<>();
    private final List<String> threads = new CopyOnWriteArrayList<>();

    private CommandExecutor fake() {
        made.incrementAndGet();
        threads.add(Thread.currentThread().getName());
        return (request, listener) -> {
            started.add(request);
            return null;
        };
    }

    @Test
    void nothingIsMadeUntilACommandComesAndThenOnce() {
        LazyExecutor lazy = new LazyExecutor().makeWith(this::fake);
        assertEquals(0, made.get());
        assertFalse(lazy.begun());
        lazy.start(null, null);
        lazy.start(null, null);
        lazy.warm(); // too late to matter: already made
        assertEquals(1, made.get());
        assertEquals(2, started.size());
        assertEquals(Thread.currentThread().getName(), threads.get(0), "made by the first command's own thread");
    }

    @Test
    void warmMakesItInTheBackgroundAndCommandsWaitForIt() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        LazyExecutor lazy = new LazyExecutor().makeWith(() -> {
            try {
                assertTrue(release.await(10, TimeUnit.SECONDS));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            return fake();
        });
        lazy.warm();
        assertTrue(lazy.begun());
        Thread command = new Thread(() -> lazy.start(null, null));
        command.start();
        command.join(200);
        assertTrue(command.isAlive(), "the command waits while the executor is being made");
        assertEquals(0, started.size());
        release.countDown();
        command.join(10_000);
        assertEquals(1, started.size());
        assertEquals(1, made.get());
        assertEquals("codex-sandbox-init", threads.get(0));
    }

    @Test
    void aFailureToMakeItIsEveryCommandsFailure() {
        AtomicInteger attempts = new AtomicInteger();
        LazyExecutor lazy = new LazyExecutor().makeWith(() -> {
            attempts.incrementAndGet();
            throw new IllegalStateException("cannot open /dev/null");
        });
        IllegalStateException first = assertThrows(IllegalStateException.class, () -> lazy.start(null, null));
        IllegalStateException second = assertThrows(IllegalStateException.class, () -> lazy.start(null, null));
        assertEquals("cannot open /dev/null", first.getMessage());
        assertSame(first, second);
        assertEquals(1, attempts.get(), "not tried again for each command");
    }

    @Test
    void warmBeforeTheSandboxServiceStartedDoesNothing() {
        LazyExecutor lazy = new LazyExecutor();
        lazy.warm();
        assertFalse(lazy.begun());
        lazy.makeWith(this::fake).start(null, null);
        assertEquals(1, made.get());
    }
}

package codex.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
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

    private CommandExecutor fake() {
        made.incrementAndGet();
        return (request, listener) -> {
            started.add(request);
            return null;
        };
    }

    @Test
    void nothingIsMadeUntilACommandComesAndThenOnce() {
        LazyExecutor lazy = new LazyExecutor().makeWith(this::fake);
        assertEquals(0, made.get(), "a session without commands never makes the executor");
        lazy.start(null, null);
        lazy.start(null, null);
        assertEquals(1, made.get());
        assertEquals(2, started.size());
    }

    @Test
    void aSecondCommandWaitsForTheExecutorTheFirstIsMaking() throws Exception {
        CountDownLatch making = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        LazyExecutor lazy = new LazyExecutor().makeWith(() -> {
            making.countDown();
            try {
                assertTrue(release.await(10, TimeUnit.SECONDS));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            return fake();
        });
        Thread first = new Thread(() -> lazy.start(null, null));
        first.start();
        assertTrue(making.await(10, TimeUnit.SECONDS));
        Thread second = new Thread(() -> lazy.start(null, null));
        second.start();
        second.join(200);
        assertTrue(second.isAlive(), "the second command waits while the executor is being made");
        assertEquals(0, started.size());
        release.countDown();
        first.join(10_000);
        second.join(10_000);
        assertEquals(2, started.size());
        assertEquals(1, made.get());
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
}

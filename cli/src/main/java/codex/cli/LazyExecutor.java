package codex.cli;

import codex.sandbox.CommandExecutor;
import codex.sandbox.ExecHandle;
import codex.sandbox.ExecRequest;
import codex.sandbox.OutputListener;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * The sandbox's executor of a one-JVM session, made in the background once a turn has waited a
 * moment on the model ({@link #warm}; {@link LocalSession#SANDBOX_WARM_AFTER_MS}) or by the first
 * command, whichever comes first. Making it loads JNA and probes the kernel (40-80 ms of start-up
 * before), which a quick answer without a command never needs.
 */
final class LazyExecutor implements CommandExecutor {
    private volatile Supplier<? extends CommandExecutor> factory;
    private final AtomicBoolean begun = new AtomicBoolean();
    private final CompletableFuture<CommandExecutor> made = new CompletableFuture<>();

    /** How to make the executor (set when the sandbox service starts: it reads the [sandbox] limits first). */
    LazyExecutor makeWith(Supplier<? extends CommandExecutor> factory) {
        this.factory = factory;
        return this;
    }

    /** Starts making the executor in the background, once; nothing before {@link #makeWith} or after the first call. */
    void warm() {
        if (factory != null && begun.compareAndSet(false, true)) {
            Thread thread = new Thread(this::make, "codex-sandbox-init");
            thread.setDaemon(true); // an exit never waits for it
            thread.start();
        }
    }

    /** Whether the executor is being made or was made. */
    boolean begun() {
        return begun.get();
    }

    private void make() {
        try {
            Supplier<? extends CommandExecutor> f = factory;
            if (f == null) {
                throw new IllegalStateException("the sandbox service has not started");
            }
            made.complete(f.get());
        } catch (Throwable e) {
            made.completeExceptionally(e);
        }
    }

    /** Waits for the executor (making it here when nobody has begun to); its failure is each command's. */
    @Override
    public ExecHandle start(ExecRequest request, OutputListener listener) {
        if (begun.compareAndSet(false, true)) {
            make();
        }
        CommandExecutor executor;
        try {
            executor = made.join();
        } catch (CompletionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(cause);
        }
        return executor.start(request, listener);
    }
}

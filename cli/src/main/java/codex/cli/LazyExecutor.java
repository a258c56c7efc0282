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
 * The sandbox's executor of a one-JVM session, made by the first command. Making it loads JNA,
 * probes the kernel and sets up the cgroups (40-80 ms that used to come before the first model
 * request); an answer without a command never needs it, and a command pays it once, after at least
 * one model round trip. Made in the background instead (once a turn had waited 100 ms), it took CPU
 * from the turn on a loaded machine: no gain there (docs/PERFORMANCE.md).
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

    /** Makes the executor on the first call (on its caller's thread: a worker); its failure is each command's. */
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

    /** Once made, as the made executor does; before that the first command makes it from a worker ({@link #start}). */
    @Override
    public java.util.Optional<ExecHandle> startWithoutBlocking(ExecRequest request,
            java.util.function.UnaryOperator<ExecRequest> prepare, OutputListener listener) {
        CommandExecutor executor = made.isDone() && !made.isCompletedExceptionally() ? made.join() : null;
        return executor == null ? java.util.Optional.empty() : executor.startWithoutBlocking(request, prepare, listener);
    }
}

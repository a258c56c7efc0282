package codex.sandbox;

import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Starts commands under a sandbox policy. Implementations do their blocking work on their own
 * threads; {@link #start} returns quickly and may be called from any thread.
 */
public interface CommandExecutor {
    /**
     * @throws SandboxUnavailableException when the policy needs a restriction this kernel cannot enforce
     */
    ExecHandle start(ExecRequest request, OutputListener listener);

    /**
     * Starts {@code prepare.apply(request)} without blocking the caller (an event loop): the preparation
     * (which may block: a shell snapshot's first capture), the checks {@link #start} makes and the spawn all
     * run on the executor's own thread, and a failure of any of them completes {@link ExecHandle#result()}
     * exceptionally with what {@link #start} would have thrown. Empty when this executor cannot start that
     * way (now): the caller then calls {@link #start} from a worker.
     */
    default Optional<ExecHandle> startWithoutBlocking(ExecRequest request, UnaryOperator<ExecRequest> prepare,
                                                      OutputListener listener) {
        return Optional.empty();
    }
}

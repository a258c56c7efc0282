package codex.sandbox;

import java.util.concurrent.CompletableFuture;

/** A running command. */
public interface ExecHandle {
    /** Kills the whole process group; the result then has {@code cancelled = true}. */
    void cancel();

    /** Completes when the process has been reaped and its output drained. */
    CompletableFuture<ExecResult> result();
}

package codex.sandbox;

/**
 * What a finished command left behind.
 *
 * @param exitCode       the exit status, or 128+signal when killed by a signal
 * @param signal         the terminating signal, 0 when it exited normally
 * @param timedOut       killed because the timeout passed
 * @param cancelled      killed because the caller cancelled it
 * @param durationMs     wall time from spawn to reap
 * @param stdout         captured stdout (UTF-8, lossy), at most the cap
 * @param stderr         captured stderr (UTF-8, lossy), at most the cap
 * @param droppedBytes   bytes produced beyond the cap and not kept
 * @param sandboxDenied  the failure looks like the sandbox refused something
 */
public record ExecResult(
        int exitCode,
        int signal,
        boolean timedOut,
        boolean cancelled,
        long durationMs,
        String stdout,
        String stderr,
        long droppedBytes,
        boolean sandboxDenied) {
}

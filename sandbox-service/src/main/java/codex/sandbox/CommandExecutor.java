package codex.sandbox;

/**
 * Starts commands under a sandbox policy. Implementations do their blocking work on their own
 * threads; {@link #start} returns quickly and may be called from any thread.
 */
public interface CommandExecutor {
    /**
     * @throws SandboxUnavailableException when the policy needs a restriction this kernel cannot enforce
     */
    ExecHandle start(ExecRequest request, OutputListener listener);
}

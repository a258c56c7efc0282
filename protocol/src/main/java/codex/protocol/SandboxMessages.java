package codex.protocol;

import java.util.List;
import java.util.Map;

/** Bodies of the sandbox-service addresses ({@link Addresses#SANDBOX_EXEC} and friends). */
public final class SandboxMessages {
    private SandboxMessages() {
    }

    /**
     * Run one command.
     *
     * @param execId         caller-chosen id, used for cancel and output chunks
     * @param argv           program and arguments
     * @param cwd            absolute working directory
     * @param extraEnv       variables set on top of the sandbox's own (secret-filtered) environment
     * @param timeoutMs      0 means no limit
     * @param permissions    seed-style permission strings; null or ["disk-full-write-access","network-full-access"] = unrestricted
     * @param outputAddress  where {@link OutputChunk}s are sent while it runs (null: no streaming)
     * @param maxOutputBytes bytes kept; 0 means the sandbox's default (1 MiB)
     */
    public record ExecCommand(String execId, List<String> argv, String cwd, Map<String, String> extraEnv,
                              long timeoutMs, List<String> permissions, String outputAddress,
                              int maxOutputBytes) { }

    /** A piece of output; stream is "stdout" or "stderr"; text is decoded UTF-8 (split safely). */
    public record OutputChunk(String execId, String stream, String text) { }

    /** The command's result. exit_code is 128+signal when killed. error is set when it could not start at all. */
    public record ExecFinished(String execId, int exitCode, int signal, boolean timedOut, boolean cancelled,
                               long durationMs, String stdout, String stderr, long droppedBytes,
                               boolean sandboxDenied, String error) { }

    /** Work out what a patch would change, without writing anything (for approvals and events). */
    public record PlanPatch(String patch, String cwd) { }

    /**
     * The plan: per-file changes keyed by absolute path, and every path the patch writes, with
     * symlinks resolved (what approval decisions must look at). error names the file and line when
     * the patch does not parse or match.
     */
    public record PatchPlan(boolean ok, Map<String, EventMsg.FileChange> changes, List<String> touchedPaths,
                            String error) { }

    /** Apply an apply_patch patch in cwd. writable_roots null = unrestricted (the user approved). */
    public record ApplyPatch(String patch, String cwd, List<String> writableRoots) { }

    /** What happened: stdout lists changed files as "A/M/D path"; on failure error says which file and line. */
    public record PatchApplied(boolean success, String stdout, String error) { }
}

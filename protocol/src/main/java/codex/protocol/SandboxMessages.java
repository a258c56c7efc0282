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
     * @param permissions    seed-style permission strings the sandbox enforces; required unless
     *                       {@code unrestricted}, and never together with it
     * @param unrestricted   run outside the sandbox (full disk and network access): said only by the
     *                       agent's approval path, for a command the user approved
     * @param outputAddress  where {@link OutputChunk}s are sent while it runs (null: no streaming)
     * @param maxOutputBytes bytes kept; 0 means the sandbox's default (1 MiB)
     * @param sessionId      the session whose tool call this is (with {@code callId}: what {@link AttachExec}
     *                       finds it by); null for a command of no session
     * @param callId         the model's call id within the session, or null
     */
    public record ExecCommand(String execId, List<String> argv, String cwd, Map<String, String> extraEnv,
                              long timeoutMs, List<String> permissions, boolean unrestricted, String outputAddress,
                              int maxOutputBytes, String sessionId, String callId) {
        /** A command of no session: it cannot be attached to later. */
        public ExecCommand(String execId, List<String> argv, String cwd, Map<String, String> extraEnv, long timeoutMs,
                           List<String> permissions, boolean unrestricted, String outputAddress, int maxOutputBytes) {
            this(execId, argv, cwd, extraEnv, timeoutMs, permissions, unrestricted, outputAddress, maxOutputBytes,
                    null, null);
        }

        /** Fails closed: a request that names no permissions is refused, not run unrestricted. */
        public ExecCommand {
            if (permissions == null && !unrestricted) {
                throw new IllegalArgumentException("no permissions: an exec request names its sandbox permissions"
                        + " (or says unrestricted: true for a command the user approved)");
            }
            if (permissions != null && unrestricted) {
                throw new IllegalArgumentException("an exec request is either unrestricted or has permissions, not both");
            }
            permissions = permissions == null ? null : List.copyOf(permissions);
        }

        /** The same command, its output streamed to {@code address}. */
        public ExecCommand withOutputAddress(String address) {
            return new ExecCommand(execId, argv, cwd, extraEnv, timeoutMs, permissions, unrestricted, address, maxOutputBytes,
                    sessionId, callId);
        }
    }

    /** Kill that command's process group, wherever it runs ({@link Addresses#SANDBOX_CANCEL}). */
    public record Cancel(String execId) { }

    /** A piece of output; stream is "stdout" or "stderr"; text is decoded UTF-8 (split safely). */
    public record OutputChunk(String execId, String stream, String text) { }

    /**
     * The first message on a command's output address, sent as soon as a sandbox takes the command
     * (before it starts): which cluster node runs it, so the caller can tell the command lost when
     * that node leaves the cluster. Output-address messages carry a {@code type}: absent means an
     * {@link OutputChunk}; {@value #TYPE} this; any other type is ignored (a newer sandbox).
     */
    public record ExecStarted(String type, String execId, String nodeId) {
        public static final String TYPE = "exec_started";

        public static ExecStarted of(String execId, String nodeId) {
            return new ExecStarted(TYPE, execId, nodeId);
        }
    }

    /** The command's result. exit_code is 128+signal when killed. error is set when it could not start at all. */
    public record ExecFinished(String execId, int exitCode, int signal, boolean timedOut, boolean cancelled,
                               long durationMs, String stdout, String stderr, long droppedBytes,
                               boolean sandboxDenied, String error) { }

    /**
     * Attach to a command by the session and call that started it (a new owner of the session,
     * after its agent died mid-command), so that it is never run twice. The sandbox answers when
     * the command is over: at once when it already finished (results are kept for a while), or
     * when it ends, meanwhile streaming its further output to {@code outputAddress} under
     * {@code execId} (first an {@link ExecStarted}). {@code execId} is the attacher's own id for
     * this wait (output chunks, cancel).
     */
    public record AttachExec(String sessionId, String callId, String execId, String outputAddress) {
        public AttachExec {
            if (sessionId == null || callId == null || execId == null) {
                throw new IllegalArgumentException("attach needs session_id, call_id and exec_id");
            }
        }
    }

    /**
     * The answer to {@link AttachExec}: {@code known} false when this sandbox never ran that call
     * (or forgot it: too long ago), else the command's result, its whole output included.
     */
    public record ExecAttached(boolean known, ExecFinished result) { }

    /** Work out what a patch would change, without writing anything (for approvals and events). */
    public record PlanPatch(String patch, String cwd) { }

    /**
     * The plan: per-file changes keyed by absolute path, and every path the patch writes, with
     * symlinks resolved (what approval decisions must look at). error names the file and line when
     * the patch does not parse or match.
     */
    public record PatchPlan(boolean ok, Map<String, EventMsg.FileChange> changes, List<String> touchedPaths,
                            String error) { }

    /**
     * Apply an apply_patch patch in cwd, writing only under {@code writableRoots}; or anywhere when
     * {@code unrestricted} (the user approved the patch, or the session may write everywhere). One
     * of the two is required: a request with neither is refused, not applied unrestricted.
     */
    public record ApplyPatch(String patch, String cwd, List<String> writableRoots, boolean unrestricted) {
        public ApplyPatch {
            if (writableRoots == null && !unrestricted) {
                throw new IllegalArgumentException("no writable_roots: an apply_patch request names the folders it may"
                        + " write (or says unrestricted: true for a patch the user approved)");
            }
            if (writableRoots != null && unrestricted) {
                throw new IllegalArgumentException("an apply_patch request is either unrestricted or has writable_roots, not both");
            }
            writableRoots = writableRoots == null ? null : List.copyOf(writableRoots);
        }

        public static ApplyPatch within(String patch, String cwd, List<String> writableRoots) {
            return new ApplyPatch(patch, cwd, writableRoots, false);
        }

        public static ApplyPatch anywhere(String patch, String cwd) {
            return new ApplyPatch(patch, cwd, null, true);
        }
    }

    /** What happened: stdout lists changed files as "A/M/D path"; on failure error says which file and line. */
    public record PatchApplied(boolean success, String stdout, String error) { }
}

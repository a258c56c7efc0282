package codex.agent;

/** A sandbox request given up without a reply: its sandbox left the cluster, or it ignored a stop. */
final class SandboxLostException extends RuntimeException {
    SandboxLostException(String message) {
        super(message, null, false, false);
    }
}

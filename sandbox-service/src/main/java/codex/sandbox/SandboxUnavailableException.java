package codex.sandbox;

/** Thrown instead of running a command unrestricted when the kernel lacks Landlock or seccomp (fail closed). */
public class SandboxUnavailableException extends RuntimeException {
    public SandboxUnavailableException(String message) {
        super(message);
    }
}

package codex.agent.model;

/** A model call that failed for good; the message is meant for the user. */
public class ModelException extends RuntimeException {
    private final int status;
    private final boolean retryable;
    private final long retryAfterMs;

    public ModelException(String message, int status, boolean retryable, long retryAfterMs) {
        super(message);
        this.status = status;
        this.retryable = retryable;
        this.retryAfterMs = retryAfterMs;
    }

    public static ModelException fatal(String message) {
        return new ModelException(message, 0, false, -1);
    }

    /** HTTP status, 0 when none (connection failure, stream error). */
    public int status() {
        return status;
    }

    public boolean retryable() {
        return retryable;
    }

    /** From a Retry-After header, or -1. */
    public long retryAfterMs() {
        return retryAfterMs;
    }
}

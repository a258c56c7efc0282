package codex.agent.rollout;

/** A rollout flush could not be honoured because recording failed earlier; the message says what failed. */
public final class RolloutWriteException extends RuntimeException {
    public RolloutWriteException(String message) {
        super(message);
    }
}

package codex.agent.rollout;

import java.io.IOException;

/** The file is not a readable rollout (no session_meta record at its start). */
public final class RolloutFormatException extends IOException {
    public RolloutFormatException(String message) {
        super(message);
    }
}

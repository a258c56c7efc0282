package codex.agent.rollout;

import java.util.List;

/** A session id given by the user did not name exactly one recorded session; the message says what to do. */
public final class RolloutLookupException extends Exception {
    public enum Kind { NOT_FOUND, AMBIGUOUS, PREFIX_TOO_SHORT }

    private final Kind kind;
    private final List<String> candidates;

    public RolloutLookupException(Kind kind, String message, List<String> candidates) {
        super(message);
        this.kind = kind;
        this.candidates = List.copyOf(candidates);
    }

    public Kind kind() {
        return kind;
    }

    /** For {@link Kind#AMBIGUOUS}: the full ids the prefix matched, newest first. */
    public List<String> candidates() {
        return candidates;
    }
}

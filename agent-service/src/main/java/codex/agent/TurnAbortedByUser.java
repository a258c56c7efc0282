package codex.agent;

/** The user answered "abort": the turn ends at once. */
final class TurnAbortedByUser extends RuntimeException {
    TurnAbortedByUser() {
        super("aborted by the user", null, false, false);
    }
}

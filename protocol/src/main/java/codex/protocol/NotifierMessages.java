package codex.protocol;

import java.util.List;

/** Bodies of the notifier-service addresses. */
public final class NotifierMessages {
    private NotifierMessages() {
    }

    /**
     * A turn completed. The notifier runs the program from its own configuration (never one named
     * by a message) with one extra argument: the JSON {@code {"type":"agent-turn-complete","thread-id","turn-id",
     * "cwd","client","input-messages","last-assistant-message"}}, as today's Codex sends it (the client is the
     * notifier's process). sessionId and cwd may be null (an older agent): those keys are then left out.
     */
    public record TurnComplete(String turnId, List<String> inputMessages, String lastAssistantMessage,
                               String sessionId, String cwd) {
        public TurnComplete(String turnId, List<String> inputMessages, String lastAssistantMessage) {
            this(turnId, inputMessages, lastAssistantMessage, null, null);
        }
    }

    /**
     * The notifier's answer to a {@link TurnComplete}, once it has run the program (or decided not
     * to): the sender may stop re-sending the turn.
     *
     * @param ran false when the turn was skipped: it was already run (a re-sent turn) or no
     *            program is configured
     */
    public record Delivered(boolean ran) {
    }
}

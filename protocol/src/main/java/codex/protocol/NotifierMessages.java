package codex.protocol;

import java.util.List;

/** Bodies of the notifier-service addresses. */
public final class NotifierMessages {
    private NotifierMessages() {
    }

    /**
     * A turn completed. The notifier runs the program from its own configuration (never one named
     * by a message) with one extra argument: the JSON
     * {@code {"type":"agent-turn-complete","turn-id","input-messages","last-assistant-message"}}.
     */
    public record TurnComplete(String turnId, List<String> inputMessages, String lastAssistantMessage) { }
}

package codex.protocol;

import java.util.List;

/** Bodies of the notifier-service addresses. */
public final class NotifierMessages {
    private NotifierMessages() {
    }

    /**
     * A turn completed. The notifier runs {@code notify} with one extra argument: the JSON
     * {@code {"type":"agent-turn-complete","turn-id","input-messages","last-assistant-message"}}.
     */
    public record TurnComplete(@com.fasterxml.jackson.annotation.JsonProperty("notify") List<String> notifyCommand, String turnId, List<String> inputMessages,
                               String lastAssistantMessage) { }
}

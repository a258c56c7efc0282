package codex.notifier;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/** The seed's notify payload: exactly these keys, kebab-case, as codex-rs writes them. */
public final class TurnCompleteNotification {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private TurnCompleteNotification() {
    }

    public static String json(String turnId, List<String> inputMessages, String lastAssistantMessage) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("type", "agent-turn-complete");
        node.put("turn-id", turnId);
        ArrayNode inputs = node.putArray("input-messages");
        inputMessages.forEach(inputs::add);
        if (lastAssistantMessage == null) {
            node.putNull("last-assistant-message");
        } else {
            node.put("last-assistant-message", lastAssistantMessage);
        }
        return node.toString();
    }
}

package codex.notifier;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * The notify payload, kebab-case as codex-rs writes it: the seed's keys ({@code type}, {@code turn-id},
 * {@code input-messages}, {@code last-assistant-message}) plus today's {@code thread-id}, {@code cwd} and
 * {@code client}, in today's order.
 */
public final class TurnCompleteNotification {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private TurnCompleteNotification() {
    }

    public static String json(String turnId, List<String> inputMessages, String lastAssistantMessage) {
        return json(null, turnId, null, null, inputMessages, lastAssistantMessage);
    }

    /** threadId, cwd, client: left out when null. */
    public static String json(String threadId, String turnId, String cwd, String client, List<String> inputMessages,
                              String lastAssistantMessage) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("type", "agent-turn-complete");
        if (threadId != null) {
            node.put("thread-id", threadId);
        }
        node.put("turn-id", turnId);
        if (cwd != null) {
            node.put("cwd", cwd);
        }
        if (client != null) {
            node.put("client", client);
        }
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

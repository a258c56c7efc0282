package codex.agent.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Mapping Responses-form history to chat messages. */
class ChatMessagesTest {

    private static JsonObject message(String role, String partType, String text) {
        return new JsonObject().put("type", "message").put("role", role)
                .put("content", new JsonArray().add(new JsonObject().put("type", partType).put("text", text)));
    }

    private static JsonObject call(String id, String args) {
        return new JsonObject().put("type", "function_call").put("call_id", id).put("name", "shell").put("arguments", args);
    }

    private static JsonObject output(String id, Object out) {
        return new JsonObject().put("type", "function_call_output").put("call_id", id).put("output", out);
    }

    private static JsonObject reasoning() {
        return new JsonObject().put("type", "reasoning").put("summary", new JsonArray()
                .add(new JsonObject().put("type", "summary_text").put("text", "thought")));
    }

    private static List<String> roles(JsonArray messages) {
        return messages.stream().map(m -> ((JsonObject) m).getString("role")).toList();
    }

    @Test
    void toolCallsWithoutPrecedingTextGetTheirOwnAssistantMessageWithNullContent() {
        JsonArray messages = ChatMessages.messages(null, List.of(message("user", "input_text", "go"),
                call("c1", "{}"), reasoning(), call("c2", "{}"), output("c1", "one"), output("c2", "two")));

        assertEquals(List.of("user", "assistant", "tool", "tool"), roles(messages), messages.encodePrettily());
        JsonObject assistant = messages.getJsonObject(1);
        assertTrue(assistant.containsKey("content") && assistant.getValue("content") == null, assistant.encode());
        assertEquals(2, assistant.getJsonArray("tool_calls").size(), "a reasoning item between calls does not split them");
    }

    @Test
    void callsOfDifferentResponsesStayInSeparateAssistantMessages() {
        JsonArray messages = ChatMessages.messages("sys", List.of(message("user", "input_text", "go"),
                call("c1", "{}"), output("c1", "one"),
                message("assistant", "output_text", "next"), call("c2", "{}"), output("c2", "two"),
                message("assistant", "output_text", "all done")));

        assertEquals(List.of("system", "user", "assistant", "tool", "assistant", "tool", "assistant"), roles(messages));
        assertEquals("c1", messages.getJsonObject(2).getJsonArray("tool_calls").getJsonObject(0).getString("id"));
        assertEquals("next", messages.getJsonObject(4).getString("content"));
        assertEquals("c2", messages.getJsonObject(4).getJsonArray("tool_calls").getJsonObject(0).getString("id"));
        assertFalse(messages.getJsonObject(6).containsKey("tool_calls"));
    }

    @Test
    void textAfterToolCallsOfTheSameResponseJoinsThatMessage() {
        JsonArray messages = ChatMessages.messages(null, List.of(call("c1", "{}"),
                message("assistant", "output_text", "running it"), output("c1", "ok")));
        assertEquals(List.of("assistant", "tool"), roles(messages), "tool result must follow its tool_calls directly");
        assertEquals("running it", messages.getJsonObject(0).getString("content"));
    }

    @Test
    void blankInstructionsGiveNoSystemMessageAndDeveloperBecomesSystem() {
        JsonArray messages = ChatMessages.messages("  ", List.of(message("developer", "input_text", "be brief"),
                new JsonObject().put("role", "user").put("content", "plain string content")));
        assertEquals(List.of("system", "user"), roles(messages));
        assertEquals("plain string content", messages.getJsonObject(1).getString("content"));
    }

    @Test
    void multiPartUserTextIsJoinedAndImagesBecomeChatParts() {
        JsonObject multi = new JsonObject().put("type", "message").put("role", "user").put("content", new JsonArray()
                .add(new JsonObject().put("type", "input_text").put("text", "a"))
                .add(new JsonObject().put("type", "input_text").put("text", "b")));
        JsonObject withImage = new JsonObject().put("type", "message").put("role", "user").put("content", new JsonArray()
                .add(new JsonObject().put("type", "input_text").put("text", "what is this?"))
                .add(new JsonObject().put("type", "input_image").put("image_url", "data:image/png;base64,AAAA")));

        JsonArray messages = ChatMessages.messages(null, List.of(multi, withImage));

        assertEquals("ab", messages.getJsonObject(0).getString("content"));
        assertEquals(new JsonArray()
                .add(new JsonObject().put("type", "text").put("text", "what is this?"))
                .add(new JsonObject().put("type", "image_url").put("image_url",
                        new JsonObject().put("url", "data:image/png;base64,AAAA"))),
                messages.getJsonObject(1).getJsonArray("content"));
    }

    @Test
    void structuredToolOutputIsSentAsText() {
        JsonArray messages = ChatMessages.messages(null, List.of(call("c1", "{}"),
                output("c1", new JsonArray().add(new JsonObject().put("type", "input_text").put("text", "exit 0")))));
        assertEquals("exit 0", messages.getJsonObject(1).getString("content"));
    }

    @Test
    void onlyFunctionToolsAreConvertedAndNoToolsMeansNoToolChoice() {
        JsonArray tools = new JsonArray()
                .add(new JsonObject().put("type", "function").put("name", "shell").put("strict", false)
                        .put("parameters", new JsonObject().put("type", "object")))
                .add(new JsonObject().put("type", "web_search"));
        assertEquals(new JsonArray().add(new JsonObject().put("type", "function").put("function", new JsonObject()
                        .put("name", "shell").put("parameters", new JsonObject().put("type", "object")).put("strict", false))),
                ChatMessages.tools(tools));

        JsonObject body = ChatMessages.requestBody(new ModelRequest("m", null, List.of(), new JsonArray(), false, null,
                null, List.of(), null));
        assertFalse(body.containsKey("tools"));
        assertFalse(body.containsKey("tool_choice"));
        assertNull(body.getValue("store"));
    }
}

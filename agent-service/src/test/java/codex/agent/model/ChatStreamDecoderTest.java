package codex.agent.model;

import static codex.agent.model.ChatFakeServer.DONE;
import static codex.agent.model.ChatFakeServer.finish;
import static codex.agent.model.ChatFakeServer.text;
import static codex.agent.model.ChatFakeServer.tool;
import static codex.agent.model.ChatFakeServer.usage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The chat stream decoder on its own, fed SSE events directly. */
class ChatStreamDecoderTest {

    private final List<ModelEvent> events = new ArrayList<>();
    private final ChatStreamDecoder decoder = new ChatStreamDecoder(events::add);

    private void feed(String... payloads) {
        for (String p : payloads) {
            decoder.accept(new SseParser.SseEvent(null, p));
        }
    }

    @Test
    void eventsComeAsDeltasThenItemsThenCompleted() {
        feed(text("id1", "Hi"), tool("id1", 0, "call_1", "shell", "{}"), finish("id1", "tool_calls"));
        assertFalse(decoder.completed(), "the usage chunk and [DONE] may still follow a finish_reason");
        feed(DONE);

        assertTrue(decoder.completed());
        assertEquals(4, events.size(), events.toString());
        assertEquals(new ModelEvent.TextDelta("Hi"), events.get(0));
        assertEquals("message", ((ModelEvent.ItemDone) events.get(1)).item().getString("type"));
        assertEquals("function_call", ((ModelEvent.ItemDone) events.get(2)).item().getString("type"));
        assertEquals(new ModelEvent.Completed("id1", null), events.get(3));
    }

    @Test
    void completesOnUsageAfterFinishWithoutWaitingForDone() {
        feed(text("id", "x"), finish("id", "stop"));
        assertFalse(decoder.completed());
        feed(usage("id", 3, 1, 0, 0));
        assertTrue(decoder.completed());
        feed(DONE, text("id", "ignored after completion"));
        assertEquals("x", ChatMessages.joinedText(decoder.response().items().get(0).getJsonArray("content")));
        assertEquals(1, events.stream().filter(e -> e instanceof ModelEvent.Completed).count());
    }

    @Test
    void endOfStreamCompletesOnlyAfterAFinishReason() {
        feed(text("id", "partial"));
        decoder.endOfStream();
        assertFalse(decoder.completed(), "a stream cut before finish_reason is a dropped stream");

        feed(finish("id", "stop"));
        decoder.endOfStream();
        assertTrue(decoder.completed());
        assertNull(decoder.response().usage());
    }

    @Test
    void doneAloneCompletesEvenWithoutFinishReason() {
        feed(text("id", "a"), DONE);
        assertTrue(decoder.completed());
        assertEquals(1, decoder.response().items().size());
    }

    @Test
    void emptyAnswerCompletesWithNoItems() {
        feed(finish("id", "stop"), DONE);
        assertEquals(List.of(), decoder.response().items());
    }

    @Test
    void lengthWithoutToolCallsKeepsTheTextSoFar() {
        feed(text("id", "truncated ans"), finish("id", "length"), DONE);
        assertEquals("length", decoder.finishReason());
        assertEquals("truncated ans",
                ChatMessages.joinedText(decoder.response().items().get(0).getJsonArray("content")));
    }

    @Test
    void lengthInTheMiddleOfAToolCallFails() {
        feed(tool("id", 0, "call_1", "shell", "{\"command\":[\"l"));
        ModelException e = assertThrows(ModelException.class, () -> feed(finish("id", "length")));
        assertTrue(e.getMessage().contains("output token limit"), e.getMessage());
        assertFalse(e.retryable());
    }

    @Test
    void contentFilterWithNothingSaidFails() {
        ModelException e = assertThrows(ModelException.class, () -> feed(finish("id", "content_filter")));
        assertTrue(e.getMessage().contains("content filter"), e.getMessage());
    }

    @Test
    void errorPayloadBecomesModelExceptionWithServerMessage() {
        ModelException e = assertThrows(ModelException.class,
                () -> feed("{\"error\":{\"message\":\"Rate limit reached for gpt-x\",\"type\":\"rate_limit_exceeded\",\"code\":null}}"));
        assertTrue(e.getMessage().contains("Rate limit reached for gpt-x"), e.getMessage());
        assertTrue(e.retryable(), "rate limits are worth retrying");
    }

    @Test
    void errorPayloadWithNumericCodeAndStringErrorForms() {
        ModelException numeric = assertThrows(ModelException.class,
                () -> feed("{\"error\":{\"message\":\"upstream failed\",\"code\":502}}"));
        assertTrue(numeric.retryable());
        assertTrue(numeric.getMessage().contains("upstream failed"), numeric.getMessage());
        ModelException plain = assertThrows(ModelException.class, () -> feed("{\"error\":\"model not loaded\"}"));
        assertTrue(plain.getMessage().contains("model not loaded"), plain.getMessage());
    }

    @Test
    void nonJsonDataIsARetryableStreamError() {
        ModelException e = assertThrows(ModelException.class, () -> feed("<html>Bad gateway</html>"));
        assertTrue(e.retryable());
        assertTrue(e.getMessage().contains("Bad gateway"), e.getMessage());
    }

    @Test
    void usageWithNullDetailsAndNullUsageChunks() {
        feed("{\"id\":\"u\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"k\"},\"finish_reason\":null}],\"usage\":null}",
                "{\"id\":\"u\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}],"
                        + "\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":2,\"total_tokens\":11,"
                        + "\"prompt_tokens_details\":null}}");
        assertTrue(decoder.completed(), "usage together with finish_reason completes");
        assertEquals(new ModelEvent.Usage(9, 0, 2, 0, 11), decoder.response().usage());
    }

    @Test
    void missingToolCallIdIsGeneratedAndEmptyArgumentsBecomeEmptyObject() {
        feed("{\"id\":\"t\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":"
                + "{\"name\":\"list\",\"arguments\":\"\"}}]},\"finish_reason\":\"tool_calls\"}]}", DONE);
        JsonObject call = decoder.response().items().get(0);
        assertTrue(call.getString("call_id").startsWith("call_"), call.encode());
        assertEquals("list", call.getString("name"));
        assertEquals("{}", call.getString("arguments"));
    }

    @Test
    void toolCallsWithoutIndexAreSeparatedById() {
        feed("{\"id\":\"t\",\"choices\":[{\"delta\":{\"tool_calls\":[{\"id\":\"a\",\"function\":{\"name\":\"f\",\"arguments\":\"{\\\"x\\\":\"}}]}}]}",
                "{\"id\":\"t\",\"choices\":[{\"delta\":{\"tool_calls\":[{\"function\":{\"arguments\":\"1}\"}}]}}]}",
                "{\"id\":\"t\",\"choices\":[{\"delta\":{\"tool_calls\":[{\"id\":\"b\",\"function\":{\"name\":\"g\",\"arguments\":\"{}\"}}]},\"finish_reason\":\"tool_calls\"}]}",
                DONE);
        List<JsonObject> items = decoder.response().items();
        assertEquals(2, items.size());
        assertEquals("{\"x\":1}", items.get(0).getString("arguments"));
        assertEquals("g", items.get(1).getString("name"));
    }

    @Test
    void reasoningContentFromCompatibleServersStreamsAsReasoning() {
        feed("{\"id\":\"r\",\"choices\":[{\"index\":0,\"delta\":{\"reasoning_content\":\"thinking…\"}}]}", text("r", "answer"), DONE);
        assertEquals(new ModelEvent.ReasoningDelta("thinking…"), events.get(0));
        assertEquals(1, decoder.response().items().size(), "reasoning is shown, not kept as an item");
    }

    @Test
    void responseIdIsTheFirstNonEmptyChunkId() {
        feed("{\"id\":\"\",\"choices\":[],\"prompt_filter_results\":[]}", text("chatcmpl-real", "x"), DONE);
        assertEquals("chatcmpl-real", decoder.response().responseId());
    }
}

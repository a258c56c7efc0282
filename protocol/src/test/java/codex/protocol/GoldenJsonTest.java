package codex.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One golden file per event and submission type (src/test/resources/golden): each decodes to its record and encodes
 * back to the same JSON. The type lists come from the annotations, so a new type without a golden file fails here.
 */
class GoldenJsonTest {

    static Stream<String> eventTypes() {
        return names(EventMsg.class);
    }

    static Stream<String> submissionTypes() {
        return names(Submission.Op.class);
    }

    private static Stream<String> names(Class<?> sealed) {
        return Arrays.stream(sealed.getAnnotation(JsonSubTypes.class).value()).map(JsonSubTypes.Type::name);
    }

    private static String golden(String path) throws IOException {
        try (InputStream in = GoldenJsonTest.class.getResourceAsStream("/golden/" + path)) {
            assertNotNull(in, "missing golden file src/test/resources/golden/" + path);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static JsonNode tree(String json) throws IOException {
        return Json.MAPPER.readTree(json);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("eventTypes")
    void everyEventTypeRoundTripsItsGoldenFile(String type) throws IOException {
        String text = golden("events/" + type + ".json");
        Event event = Json.decode(text, Event.class);
        assertFalse(event.msg() instanceof EventMsg.Unknown, type + " decoded as unknown");
        assertEquals(type, event.type());
        assertEquals(tree(text), tree(Json.encode(event)));
        // the bus path: through a Vert.x JsonObject
        assertEquals(event, Json.fromJson(Json.toJson(event), Event.class));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("submissionTypes")
    void everySubmissionTypeRoundTripsItsGoldenFile(String type) throws IOException {
        String text = golden("submissions/" + type + ".json");
        Submission submission = Json.decode(text, Submission.class);
        assertEquals(tree(text), tree(Json.encode(submission)));
        assertEquals(submission, Json.fromJson(Json.toJson(submission), Submission.class));
    }

    @Test
    void anUnknownEventTypeDecodesToTheFallbackAndKeepsItsJson() throws IOException {
        String text = golden("events/unknown_future_event.json");
        Event event = Json.decode(text, Event.class);
        EventMsg.Unknown unknown = assertInstanceOf(EventMsg.Unknown.class, event.msg());
        assertEquals("web_search_begin", unknown.type());
        assertEquals("web_search_begin", event.type());
        assertEquals("docs", unknown.raw().at("/invocation/server").asText());
        assertEquals(4L, event.seq());
        // forwarded unchanged: nothing lost, no Java class name added
        assertEquals(tree(text), tree(Json.encode(event)));
        JsonObject viaBus = Json.toJson(event);
        assertEquals(new JsonObject(text), viaBus);
        assertEquals(event, Json.fromJson(viaBus, Event.class));
    }

    @Test
    void anEventWithoutATypeIsUnknownToo() {
        Event event = Json.decode("{\"session_id\":\"s\",\"seq\":1,\"msg\":{\"x\":1}}", Event.class);
        EventMsg.Unknown unknown = assertInstanceOf(EventMsg.Unknown.class, event.msg());
        assertEquals(null, unknown.type());
        assertEquals("unknown", event.type()); // what SSE names it
    }
}

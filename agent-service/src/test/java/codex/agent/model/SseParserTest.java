package codex.agent.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import codex.agent.model.SseParser.SseEvent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class SseParserTest {

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static List<SseEvent> parseAll(String stream) {
        SseParser parser = new SseParser();
        List<SseEvent> out = new ArrayList<>(parser.feed(bytes(stream)));
        out.addAll(parser.finish());
        return out;
    }

    @Test
    void lfTerminatedEventsWithNames() {
        assertEquals(List.of(new SseEvent("response.created", "{\"a\":1}"), new SseEvent(null, "[DONE]")),
                parseAll("event: response.created\ndata: {\"a\":1}\n\ndata: [DONE]\n\n"));
    }

    @Test
    void crlfLineEnds() {
        assertEquals(List.of(new SseEvent("x", "one"), new SseEvent(null, "two")),
                parseAll("event: x\r\ndata: one\r\n\r\ndata: two\r\n\r\n"));
    }

    @Test
    void loneCrLineEnds() {
        assertEquals(List.of(new SseEvent(null, "one"), new SseEvent(null, "two")),
                parseAll("data: one\r\rdata: two\r\r"));
    }

    @Test
    void crlfSplitBetweenFeedsIsOneLineEnd() {
        SseParser parser = new SseParser();
        List<SseEvent> out = new ArrayList<>(parser.feed(bytes("data: a\r")));
        out.addAll(parser.feed(bytes("\n\r")));
        out.addAll(parser.feed(bytes("\ndata: b\n\n")));
        assertEquals(List.of(new SseEvent(null, "a"), new SseEvent(null, "b")), out);
    }

    @Test
    void multiLineDataIsJoinedWithLf() {
        assertEquals(List.of(new SseEvent(null, "line one\nline two\n\nline four")),
                parseAll("data: line one\ndata: line two\ndata:\ndata:line four\n\n"));
    }

    @Test
    void commentsAndUnknownFieldsAreIgnored() {
        assertEquals(List.of(new SseEvent(null, "payload")),
                parseAll(": keep-alive\n\n: OPENROUTER PROCESSING\nid: 7\nretry: 100\ndata: payload\n\n"));
    }

    @Test
    void onlyOneLeadingSpaceIsStrippedFromValues() {
        assertEquals(List.of(new SseEvent(null, "  indented")), parseAll("data:   indented\n\n"));
    }

    @Test
    void utf8CharacterSplitAcrossTwoFeedsSurvives() {
        byte[] all = bytes("data: héllo 🙂 wörld\n\n");
        int cut = indexOf(all, (byte) 0xF0) + 2; // in the middle of the 4-byte emoji
        SseParser parser = new SseParser();
        List<SseEvent> out = new ArrayList<>(parser.feed(Arrays.copyOfRange(all, 0, cut)));
        assertEquals(List.of(), out, "nothing is dispatched before the blank line");
        out.addAll(parser.feed(Arrays.copyOfRange(all, cut, all.length)));
        assertEquals(List.of(new SseEvent(null, "héllo 🙂 wörld")), out);
    }

    @Test
    void streamFedOneByteAtATimeGivesTheSameEvents() {
        byte[] all = bytes("event: e\r\ndata: ä\r\ndata: ß\r\n\r\n: c\ndata: z\n\n");
        SseParser parser = new SseParser();
        List<SseEvent> out = new ArrayList<>();
        for (byte b : all) {
            out.addAll(parser.feed(new byte[] {b}));
        }
        assertEquals(List.of(new SseEvent("e", "ä\nß"), new SseEvent(null, "z")), out);
    }

    @Test
    void finishDispatchesAnEventWithoutTrailingBlankLine() {
        SseParser parser = new SseParser();
        assertEquals(List.of(new SseEvent(null, "first")), parser.feed(bytes("data: first\n\ndata: last")));
        assertEquals(List.of(new SseEvent(null, "last")), parser.finish());
    }

    @Test
    void finishDispatchesAnEventWhoseLastLineEndedButNoBlankLineFollowed() {
        SseParser parser = new SseParser();
        assertEquals(List.of(), parser.feed(bytes("event: done\ndata: [DONE]\n")));
        assertEquals(List.of(new SseEvent("done", "[DONE]")), parser.finish());
    }

    @Test
    void eventWithoutDataIsNotDispatched() {
        assertEquals(List.of(), parseAll("event: ping\n\n"));
    }

    private static int indexOf(byte[] haystack, byte b) {
        for (int i = 0; i < haystack.length; i++) {
            if (haystack[i] == b) {
                return i;
            }
        }
        throw new AssertionError("byte not found");
    }
}

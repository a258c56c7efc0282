package codex.cli.tui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import codex.protocol.EventMsg;
import java.util.List;
import java.util.Map;
import org.jline.utils.AttributedString;
import org.jline.utils.AttributedStyle;
import org.junit.jupiter.api.Test;

/** Rendering of transcript text without a terminal: markdown, diffs, wrapping. */
class RenderTest {
    private final Render colour = new Render(true);
    private final Render plain = new Render(false);

    private static List<String> text(List<AttributedString> lines) {
        return lines.stream().map(AttributedString::toString).toList();
    }

    /** The style at a character, as the terminal would get it. */
    private static AttributedStyle styleOf(AttributedString line, String word) {
        return line.styleAt(line.toString().indexOf(word));
    }

    @Test
    void boldAndCodeSpansLoseTheirMarkersAndKeepTheirStyle() {
        AttributedString line = colour.markdown("Use **care** with `rm -rf`.", 80, "").get(0);
        assertEquals("Use care with rm -rf.", line.toString());
        assertTrue((styleOf(line, "care").getStyle() & 0x1) != 0, "bold");
        assertEquals(AttributedStyle.DEFAULT.foreground(AttributedStyle.CYAN).getStyle(), styleOf(line, "rm").getStyle());
        assertEquals(AttributedStyle.DEFAULT.getStyle(), styleOf(line, "Use").getStyle());
    }

    @Test
    void fencedCodeIsIndentedAndNotWordWrappedOrMarkdowned() {
        List<String> lines = text(colour.markdown("Run:\n```bash\necho **not bold** `x`\n```\nDone.", 80, ""));
        assertEquals(List.of("Run:", "  echo **not bold** `x`", "Done."), lines);
    }

    @Test
    void headingsAreBoldWithoutHashes() {
        AttributedString line = colour.markdown("## Plan", 80, "").get(0);
        assertEquals("Plan", line.toString());
    }

    @Test
    void diffLinesAreColouredByKind() {
        List<AttributedString> lines = colour.diff("--- a/x\n+++ b/x\n@@ -1 +1 @@\n-old\n+new\n same", 80, "");
        assertEquals(AttributedStyle.DEFAULT.foreground(AttributedStyle.RED).getStyle(), lines.get(3).styleAt(0).getStyle());
        assertEquals(AttributedStyle.DEFAULT.foreground(AttributedStyle.GREEN).getStyle(), lines.get(4).styleAt(0).getStyle());
        assertEquals(AttributedStyle.DEFAULT.foreground(AttributedStyle.CYAN).getStyle(), lines.get(2).styleAt(0).getStyle());
        assertEquals(AttributedStyle.DEFAULT.getStyle(), lines.get(5).styleAt(0).getStyle());
    }

    @Test
    void noColourMeansNoForegroundAnywhere() {
        for (AttributedString l : plain.diff("-old\n+new", 80, "")) {
            assertEquals(AttributedStyle.DEFAULT.getStyle(), l.styleAt(0).getStyle());
        }
        AttributedString code = plain.markdown("`x`", 80, "").get(0);
        assertEquals(AttributedStyle.DEFAULT.getStyle(), code.styleAt(0).getStyle());
    }

    @Test
    void wordsWrapAtNarrowWidthsAndLongWordsAreCut() {
        List<String> lines = text(colour.markdown("the quick brown fox jumps", 12, "  "));
        assertEquals(List.of("  the quick", "  brown fox", "  jumps"), lines);
        List<String> cut = text(Render.wrap(new AttributedString("abcdefghij"), 6, "> ", true));
        assertEquals(List.of("> abcd", "> efgh", "> ij"), cut);
        for (int width : new int[] {80, 40, 20, 10}) {
            for (String l : text(colour.markdown("A **long** answer with `code` and words that must wrap nicely", width, "  "))) {
                assertTrue(l.length() <= width, width + ": " + l);
            }
        }
    }

    @Test
    void commandShowsStatusDurationAndTheTailOfItsOutput() {
        Transcript.Command c = new Transcript.Command(List.of("bash", "-c", "seq 8"), true);
        c.output("1\n2\n3\n4\n5\n6\n7\n8\n");
        c.end(0, 1500, "", "");
        List<String> shown = text(c.lines(80, colour, false));
        assertTrue(shown.get(1).startsWith("✓ ran bash -c 'seq 8'  1.5s"), shown.toString());
        assertTrue(shown.contains("  … 3 earlier lines (Ctrl-O on the last command shows all)"), shown.toString());
        assertTrue(shown.contains("  | 8") && !shown.contains("  | 3"), shown.toString());
        assertTrue(text(c.lines(80, colour, true)).contains("  | 1"), "expanded shows everything");
        Transcript.Command failed = new Transcript.Command(List.of("false"), false);
        failed.end(1, 20, "", "");
        assertTrue(text(failed.lines(80, colour, false)).get(1).startsWith("✗ exit 1 false  20ms  (outside the sandbox)"));
    }

    @Test
    void patchesShowEachFileAsADiff() {
        var p = new Transcript.Patch(Map.of("a.txt", new EventMsg.FileChange("add", "hello\n", null, null)), "✓ patch");
        List<String> shown = text(p.lines(40, colour, false));
        assertEquals(List.of("", "✓ patch", "  add a.txt", "    +hello"), shown);
    }

    @Test
    void promptsWrapUnderTheirMarker() {
        List<String> shown = text(new Transcript.Prompt("please fix the failing build now").lines(16, colour, false));
        assertEquals(List.of("", "› please fix", "  the failing", "  build now"), shown);
        assertFalse(shown.stream().anyMatch(l -> l.length() > 16));
    }

    @Test
    void eventsWithoutARendererAreOneDimmedLineThatCannotBreakTheScreen() throws Exception {
        var raw = codex.protocol.Json.MAPPER.readTree(
                "{\"type\":\"plan_update\",\"explanation\":\"step one\\n\\u001b[2J\\u001b[31mred\",\"plan\":[{\"step\":\"a\"},{\"step\":\"b\"}],"
                        + "\"note\":null,\"n\":3}");
        var entry = Transcript.Generic.of(new EventMsg.Unknown("plan_update", raw));
        List<AttributedString> wide = entry.lines(80, colour, false);
        assertEquals(List.of("[plan_update] explanation=step one ?[2J?[31mred plan=[2] n=3"), text(wide));
        assertEquals(AttributedStyle.DEFAULT.faint().getStyle(), wide.get(0).styleAt(0).getStyle());
        List<AttributedString> narrow = entry.lines(20, colour, false);
        assertEquals(1, narrow.size());
        assertEquals("[plan_update] expla…", narrow.get(0).toString());
        assertFalse(narrow.get(0).toAnsi().contains("[2J"), "no escape sequence reaches the terminal");
        // a known event this client draws nothing for is shown the same way
        var known = Transcript.Generic.of(new EventMsg.ApprovalResolved("ap-1", "call_1", "denied", null, "timed out"));
        assertEquals(List.of("[approval_resolved] approval_id=ap-1 call_id=call_1 decision=denied reason=timed out"),
                text(known.lines(100, colour, false)));
    }

    @Test
    void ctrlOExpandsAndCollapsesOnlyTheLastCommand() {
        Transcript.Command first = new Transcript.Command(List.of("seq", "8"), true);
        first.output("1\n2\n3\n4\n5\n6\n7\n8\n");
        first.end(0, 10, "", "");
        Transcript.Command last = new Transcript.Command(List.of("seq", "11", "18"), true);
        last.output("11\n12\n13\n14\n15\n16\n17\n18\n");
        last.end(0, 10, "", "");
        List<Transcript.Entry> entries = List.of(first, new Transcript.Note("between", -1), last, new Transcript.Note("after", -1));
        assertTrue(Transcript.lastCommand(entries) == last);
        assertTrue(Transcript.lastCommand(List.of(new Transcript.Note("none", -1))) == null);

        Transcript.lastCommand(entries).toggleExpanded();
        List<String> shown = text(last.lines(80, colour, false));
        assertTrue(shown.contains("  | 11") && shown.contains("  | 18"), shown.toString());
        assertTrue(shown.contains("  (all 8 lines; Ctrl-O shows the tail again)"), shown.toString());
        assertFalse(shown.stream().anyMatch(l -> l.contains("earlier lines")), shown.toString());
        List<String> other = text(first.lines(80, colour, false));
        assertTrue(other.contains("  … 3 earlier lines (Ctrl-O on the last command shows all)") && !other.contains("  | 1"),
                "the earlier command keeps its tail: " + other);

        Transcript.lastCommand(entries).toggleExpanded();
        List<String> collapsed = text(last.lines(80, colour, false));
        assertFalse(collapsed.contains("  | 11"), collapsed.toString());
        assertTrue(collapsed.contains("  | 18") && collapsed.contains("  … 3 earlier lines (Ctrl-O on the last command shows all)"));
    }
}

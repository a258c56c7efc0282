package codex.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import codex.protocol.Event;
import codex.protocol.EventMsg;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a person watching `codex exec` sees while commands run. */
class HumanEventPrinterTest {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final HumanEventPrinter printer = new HumanEventPrinter(new PrintStream(bytes, true, StandardCharsets.UTF_8), false);
    private long seq;

    private void at(long ts, EventMsg msg) {
        printer.print(new Event("s", ++seq, "t", null, ts, msg));
    }

    private String screen() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void anEventTypeThisBuildDoesNotKnowIsSkippedAndPrintingGoesOn() {
        Event future = codex.protocol.Json.decode(
                "{\"session_id\":\"s\",\"seq\":1,\"msg\":{\"type\":\"mcp_tool_call_begin\",\"call_id\":\"m\"}}",
                Event.class);
        printer.print(future);
        assertEquals("", screen());
        at(1, new EventMsg.AgentMessage("still here"));
        assertTrue(screen().contains("still here"), screen());
    }

    @Test
    void longCommandShowsItsFirstLinesAtOnceThenProgressThenHowMuchWasHidden() {
        at(0, new EventMsg.ExecCommandBegin("c", List.of("make"), "/w", true));
        StringBuilder all = new StringBuilder();
        for (int i = 1; i <= 40; i++) {
            all.append("line ").append(i).append('\n');
            at(i * 1000L, new EventMsg.ExecCommandOutputDelta("c", "stdout", "line " + i + "\n"));
            if (i == 3) {
                assertTrue(screen().contains("  │ line 3\n"), "shown as it arrives:\n" + screen());
            }
        }
        at(41_000, new EventMsg.ExecCommandEnd("c", 0, 41_000, all.toString(), "", false, false));
        String out = screen();
        assertTrue(out.contains("  │ line 5\n") && !out.contains("  │ line 6\n"), out);
        assertTrue(out.contains("  … running for 10 s, 10 lines of output so far"), out);
        assertTrue(out.contains("  … running for 20 s, 20 lines of output so far"), out);
        assertTrue(out.contains("  │ … (35 more lines)"), out);
        assertTrue(out.trim().endsWith("exit 0 · 41000 ms"), out);
    }

    @Test
    void failingCommandEndsWithTheLastLinesWhereTheErrorUsuallyIs() {
        at(0, new EventMsg.ExecCommandBegin("c", List.of("make"), "/w", true));
        StringBuilder all = new StringBuilder();
        for (int i = 1; i <= 12; i++) {
            all.append("out ").append(i).append('\n');
        }
        at(10, new EventMsg.ExecCommandOutputDelta("c", "stdout", all.toString()));
        at(20, new EventMsg.ExecCommandEnd("c", 2, 20, all.toString(), "", false, false));
        String out = screen();
        assertTrue(out.contains("  │ … (7 more lines; the last ones:)\n  │ out 8\n"), out);
        assertTrue(out.contains("  │ out 12\n  exit 2 · 20 ms"), out);
    }

    @Test
    void quickCommandWithoutStreamedOutputStillShowsItsHead() {
        at(0, new EventMsg.ExecCommandBegin("c", List.of("ls"), "/w", true));
        at(5, new EventMsg.ExecCommandEnd("c", 0, 5, "a\nb\n", "", false, false));
        assertEquals("exec ls  in /w\n  │ a\n  │ b\n  exit 0 · 5 ms\n", screen());
        assertFalse(screen().contains("more lines"));
    }
}

package codex.notifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NotifyProgramRunnerTest {
    @TempDir
    Path tmp;

    @Test
    void programGetsThePayloadAsItsLastArgument() throws Exception {
        Path out = tmp.resolve("arg.txt");
        List<String> warnings = new ArrayList<>();
        new NotifyProgramRunner(List.of("bash", "-c", "printf '%s' \"$1\" > " + out, "notify"), warnings::add, 10).run(
                TurnCompleteNotification.json("t1", List.of("fix it"), "fixed"));
        @SuppressWarnings("unchecked")
        Map<String, Object> payload = new ObjectMapper().readValue(Files.readString(out), Map.class);
        assertEquals(Map.of("type", "agent-turn-complete", "turn-id", "t1", "input-messages", List.of("fix it"),
                "last-assistant-message", "fixed"), payload);
        assertTrue(warnings.isEmpty(), warnings.toString());
    }

    @Test
    void missingProgramIsReportedOnceAndNeverThrows() {
        List<String> warnings = new ArrayList<>();
        NotifyProgramRunner runner = new NotifyProgramRunner(List.of(tmp.resolve("no-such-notifier").toString()),
                warnings::add, 10);
        runner.run("{}");
        runner.run("{}");
        assertEquals(1, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).contains("no-such-notifier") && warnings.get(0).contains("notify"), warnings.get(0));
    }

    @Test
    void failingProgramIsReportedOnceWithItsStatus() {
        List<String> warnings = new ArrayList<>();
        NotifyProgramRunner runner = new NotifyProgramRunner(List.of("bash", "-c", "exit 3"), warnings::add, 10);
        runner.run("{}");
        runner.run("{}");
        assertEquals(1, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).contains("status 3"), warnings.get(0));
    }

    @Test
    void nullLastMessageIsWrittenAsJsonNull() {
        assertTrue(TurnCompleteNotification.json("t", List.of(), null).contains("\"last-assistant-message\":null"));
    }
}

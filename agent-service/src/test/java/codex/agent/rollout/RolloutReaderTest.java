package codex.agent.rollout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RolloutReaderTest {
    private static final String ID = "5e1f0000-aaaa-bbbb-cccc-000000000001";

    @TempDir
    Path home;

    private Path recorded(List<JsonObject> items) {
        try (RolloutRecorder r = RolloutRecorder.create(home, ID, Instant.parse("2026-05-05T05:05:05Z"),
                RolloutTestData.meta("/p"), RolloutRecorder.Options.defaults(e -> { throw new AssertionError(e); }))) {
            r.appendItems(items);
            r.appendEvent(RolloutTestData.event(ID, 3, new codex.protocol.EventMsg.TaskStarted()));
            return r.file();
        }
    }

    @Test
    void tornLastLineIsIgnored() throws Exception {
        List<JsonObject> items = RolloutTestData.conversation();
        Path file = recorded(items);
        String half = new JsonObject().put("type", "item").put("item", RolloutTestData.userMessage("never finished"))
                .encode();
        Files.writeString(file, half.substring(0, half.length() / 2), StandardOpenOption.APPEND);

        RolloutReader.Rollout r = RolloutReader.read(file);
        assertEquals(items, r.items());
        assertEquals(3, r.lastSeq());
        assertTrue(r.tornTail());
        assertEquals(0, r.skippedLines());
    }

    @Test
    void completeJsonWithoutItsNewlineStillCountsAsTorn() throws Exception {
        // a record is committed by its newline: the writer always writes both in one go
        Path file = recorded(List.of(RolloutTestData.userMessage("a")));
        Files.writeString(file, new JsonObject().put("type", "item").put("item", RolloutTestData.userMessage("b")).encode(),
                StandardOpenOption.APPEND);
        RolloutReader.Rollout r = RolloutReader.read(file);
        assertEquals(List.of(RolloutTestData.userMessage("a")), r.items());
        assertTrue(r.tornTail());
    }

    @Test
    void corruptedMiddleLinesAreSkippedAndCounted() throws Exception {
        List<JsonObject> items = RolloutTestData.conversation();
        Path file = recorded(items);
        List<String> lines = Files.readAllLines(file);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < lines.size(); i++) {
            out.writeBytes((lines.get(i) + "\n").getBytes(StandardCharsets.UTF_8));
            if (i == 2) {
                out.writeBytes("{\"type\":\"item\",\"item\":{\"type\":\"mes\n".getBytes(StandardCharsets.UTF_8)); // cut JSON
                out.writeBytes(new byte[] {(byte) 0xC3, (byte) 0x28, (byte) 0xFF, '\n'}); // not UTF-8
                out.writeBytes("[1,2,3]\n".getBytes(StandardCharsets.UTF_8)); // JSON but not a record
                out.writeBytes("\n".getBytes(StandardCharsets.UTF_8)); // blank lines are just blank
            }
        }
        Files.write(file, out.toByteArray());

        RolloutReader.Rollout r = RolloutReader.read(file);
        assertEquals(items, r.items(), "every good item survives, in order");
        assertEquals(3, r.skippedLines());
        assertFalse(r.tornTail());
        assertEquals(3, r.lastSeq());
    }

    @Test
    void aFileThatIsNotARolloutIsRefusedWithAReason() throws Exception {
        Path notRollout = home.resolve("notes.jsonl");
        Files.writeString(notRollout, "{\"type\":\"item\",\"item\":{}}\n");
        RolloutFormatException e = assertThrows(RolloutFormatException.class, () -> RolloutReader.read(notRollout));
        assertTrue(e.getMessage().contains("session_meta"), e.getMessage());

        Path bornTorn = home.resolve("torn.jsonl");
        Files.writeString(bornTorn, "{\"type\":\"session_meta\",\"sess");
        e = assertThrows(RolloutFormatException.class, () -> RolloutReader.read(bornTorn));
        assertTrue(e.getMessage().contains("cut off"), e.getMessage());
    }

    @Test
    void stateWithNullResponseIdClearsTheEarlierOne() throws Exception {
        Path file;
        try (RolloutRecorder r = RolloutRecorder.create(home, ID, Instant.now(), null,
                RolloutRecorder.Options.defaults(e -> { }))) {
            file = r.file();
            r.appendState("resp_1");
            r.appendState(null);
        }
        assertEquals(null, RolloutReader.read(file).lastResponseId());
        assertEquals(0, RolloutReader.read(file).lastSeq());
    }
}

package codex.agent.rollout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import codex.protocol.HistoryPersistence;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HistoryFileTest {
    @TempDir
    Path home;

    @Test
    void promptsAreAppendedAsOneJsonLineEachAndReadBackNewestLast() throws Exception {
        HistoryFile history = new HistoryFile(home, HistoryPersistence.SAVE_ALL);
        assertEquals(List.of(), history.recent(5), "no file yet is an empty history");
        assertTrue(history.append("s1", 100, "first"));
        assertTrue(history.append("s1", 101, "multi\nline \"quoted\" ü"));
        assertTrue(history.append("s2", 102, "third"));

        List<String> lines = Files.readAllLines(home.resolve("history.jsonl"));
        assertEquals(3, lines.size());
        assertEquals(new JsonObject().put("session_id", "s1").put("ts", 101).put("text", "multi\nline \"quoted\" ü"),
                new JsonObject(lines.get(1)));
        assertEquals(List.of(new HistoryFile.Entry("s1", 101, "multi\nline \"quoted\" ü"), new HistoryFile.Entry("s2", 102, "third")),
                history.recent(2));
        assertEquals(3, history.recent(100).size());
        long before = System.currentTimeMillis() / 1000;
        history.append("s3", "now");
        HistoryFile.Entry now = history.recent(1).get(0);
        assertTrue(now.ts() >= before && now.ts() <= before + 5, "ts is epoch seconds: " + now.ts());
    }

    @Test
    void noneModeWritesNothing() throws Exception {
        HistoryFile history = new HistoryFile(home, HistoryPersistence.NONE);
        assertFalse(history.append("s1", "secret prompt"));
        assertFalse(Files.exists(home.resolve("history.jsonl")));
        assertEquals(List.of(), history.recent(10));
    }

    @Test
    void historyIsPrivateToItsOwner() throws Exception {
        new HistoryFile(home, HistoryPersistence.SAVE_ALL).append("s", "my token is hunter2");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(home.resolve("history.jsonl"))));
    }

    @Test
    void brokenLinesAreSkippedWhenReading() throws Exception {
        HistoryFile history = new HistoryFile(home, HistoryPersistence.SAVE_ALL);
        history.append("s", 1, "one");
        Files.writeString(history.file(), "{\"session_id\":\"s\",\"ts\":2,\"te\nnot json\n", StandardOpenOption.APPEND);
        history.append("s", 3, "three");
        Files.writeString(history.file(), "{\"session_id\":\"s\",\"ts\":4,\"text\":\"torn", StandardOpenOption.APPEND);
        assertEquals(List.of("one"), history.recent(10).stream().map(HistoryFile.Entry::text).toList().subList(0, 1));
        assertEquals(2, history.recent(10).size());
    }

    @Test
    void concurrentProcessesNeverInterleaveLines() throws Exception {
        int perProcess = 300;
        List<Process> children = new ArrayList<>();
        for (String who : List.of("alpha", "bravo", "charlie")) {
            children.add(ChildJvm.start(HistoryAppendChild.class, home.resolve(who + ".log"), home.toString(), who,
                    String.valueOf(perProcess)));
        }
        // and this process too, at the same time
        HistoryFile history = new HistoryFile(home, HistoryPersistence.SAVE_ALL);
        String filler = "delta".repeat(1200);
        for (int i = 0; i < perProcess; i++) {
            history.append("delta", 1_700_000_000L + i, "delta " + i + " " + filler);
        }
        for (Process p : children) {
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
            assertEquals(0, p.exitValue(), Files.readString(home.resolve("alpha.log")));
        }
        List<String> lines = Files.readAllLines(history.file());
        assertEquals(4 * perProcess, lines.size());
        Map<String, Integer> next = new HashMap<>();
        for (String line : lines) {
            JsonObject o = new JsonObject(line); // throws if two writes were mixed up
            String who = o.getString("session_id");
            int i = next.merge(who, 1, Integer::sum) - 1;
            assertTrue(o.getString("text").startsWith(who + " " + i + " "), "line out of order or mangled: "
                    + o.getString("text").substring(0, 40));
        }
        assertEquals(4, next.size());
    }
}

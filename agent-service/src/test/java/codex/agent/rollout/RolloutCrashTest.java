package codex.agent.rollout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Kills a real recording process and reads what it left behind. */
class RolloutCrashTest {
    private static final int FLUSHED = 120;

    @TempDir
    Path home;

    private RolloutReader.Rollout crash(String id, String mode) throws Exception {
        String start = "2026-11-24T16:40:09Z";
        Path log = home.resolve(mode + ".log");
        Process child = ChildJvm.start(RolloutCrashChild.class, log, home.toString(), id, String.valueOf(FLUSHED), start, mode);
        assertTrue(child.waitFor(60, TimeUnit.SECONDS), "child did not finish");
        String output = Files.readString(log);
        assertEquals(137, child.exitValue(), "child should have halted itself; output:\n" + output);
        assertTrue(output.contains("FLUSHED " + FLUSHED), output);
        RolloutReader.Rollout r = RolloutReader.read(RolloutFiles.pathFor(home, id, Instant.parse(start)));
        assertEquals(id, r.sessionId());
        assertEquals("/crash", r.cwd());
        assertEquals(0, r.skippedLines(), "a crash can only cut the last line, never one in the middle");
        List<JsonObject> items = r.items();
        assertTrue(items.size() >= FLUSHED, "only " + items.size() + " of " + FLUSHED + " flushed items survived");
        for (int i = 0; i < Math.min(items.size(), FLUSHED + 500); i++) {
            // unflushed items may be partly there, but always as an in-order prefix, never with holes
            assertEquals(RolloutTestData.userMessage("item " + i), items.get(i));
        }
        return r;
    }

    @Test
    void flushedItemsSurviveAHardCrashAndTheTornTailIsIgnored() throws Exception {
        RolloutReader.Rollout r = crash("c7a5h000-0000-0000-0000-00000000dead", "torn");
        assertEquals(FLUSHED, r.items().size());
        assertTrue(r.tornTail(), "the half line written before the halt is seen as torn");

        // and the session carries on in the same file
        try (RolloutRecorder resumed = RolloutRecorder.resume(r.file(), RolloutRecorder.Options.defaults(e -> {
            throw new AssertionError(e);
        }))) {
            resumed.appendItem(RolloutTestData.userMessage("after the crash"));
        }
        RolloutReader.Rollout after = RolloutReader.read(r.file());
        assertEquals(FLUSHED + 1, after.items().size());
        assertEquals(0, after.skippedLines());
        assertEquals(RolloutTestData.userMessage("after the crash"), after.items().get(FLUSHED));
    }

    @Test
    void aCrashWhileTheWriterIsBusyLosesOnlyUnflushedRecords() throws Exception {
        crash("c7a5h000-0000-0000-0000-0000000b05y0", "racing");
    }
}

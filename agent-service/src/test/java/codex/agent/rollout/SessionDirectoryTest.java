package codex.agent.rollout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import codex.protocol.SessionMessages.ListSessions;
import codex.protocol.SessionMessages.RecordedSession;
import codex.protocol.SessionMessages.ResolveSession;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SessionDirectoryTest {
    static final String OLD = "aaaa1111-0000-0000-0000-000000000001";
    static final String MID = "bbbb2222-1111-0000-0000-000000000002";
    static final String MID_B = "bbbb2222-1199-0000-0000-000000000003";
    static final String NEW = "cccc3333-0000-0000-0000-000000000004";

    @TempDir
    Path home;
    SessionDirectory directory;

    private void record(String id, String start, String cwd, String prompt) {
        try (RolloutRecorder r = RolloutRecorder.create(home, id, Instant.parse(start), RolloutTestData.meta(cwd),
                RolloutRecorder.Options.defaults(e -> { throw new AssertionError(e); }))) {
            r.appendItem(RolloutTestData.userMessage(prompt));
        }
    }

    @BeforeEach
    void sessions() {
        record(OLD, "2025-12-31T23:00:00Z", "/proj/a", "first ever prompt");
        record(MID, "2026-02-10T10:00:00Z", "/proj/b", "fix the build");
        record(MID_B, "2026-02-10T10:00:05Z", "/proj/a", "another");
        record(NEW, "2026-03-01T00:00:01Z", "/proj/b", "newest");
        directory = new SessionDirectory(Path.of("/nonexistent-default-home"));
    }

    @Test
    void listsNewestFirstWithinTheLimitAndFolder() throws Exception {
        List<RecordedSession> all = directory.list(new ListSessions(home.toString(), 10, null)).sessions();
        assertEquals(List.of(NEW, MID_B, MID, OLD), all.stream().map(RecordedSession::sessionId).toList());
        assertEquals(new RecordedSession(NEW, "2026-03-01T00:00:01Z", "/proj/b", "newest"), all.get(0));
        assertEquals(List.of(MID_B), directory.list(new ListSessions(home.toString(), 1, "/proj/a")).sessions().stream()
                .map(RecordedSession::sessionId).toList());
        assertEquals(List.of(), directory.list(new ListSessions(null, 5, null)).sessions(),
                "no home named: the agent's own, which has none");
    }

    @Test
    void resolvesByIdPrefixOrLast() throws Exception {
        assertEquals(MID, directory.resolve(ResolveSession.byId(home.toString(), MID)).sessionId());
        assertEquals(OLD, directory.resolve(ResolveSession.byId(home.toString(), "AAAA1111")).sessionId());
        assertEquals(MID_B, directory.resolve(ResolveSession.latest(home.toString(), "/proj/a")).sessionId());
        assertEquals(NEW, directory.resolve(ResolveSession.latest(home.toString(), "/elsewhere")).sessionId(),
                "nothing in that folder: the latest of any");
        var ambiguous = assertThrows(RolloutLookupException.class,
                () -> directory.resolve(ResolveSession.byId(home.toString(), "bbbb2222")));
        assertEquals(RolloutLookupException.Kind.AMBIGUOUS, ambiguous.kind());
        assertEquals(List.of(MID_B, MID), ambiguous.candidates());
        var none = assertThrows(RolloutLookupException.class,
                () -> directory.resolve(ResolveSession.latest(home.resolve("empty").toString(), null)));
        assertEquals(RolloutLookupException.Kind.NOT_FOUND, none.kind());
        assertTrue(none.getMessage().contains("no recorded sessions under"), none.getMessage());
    }

    @Test
    void aRolloutOfANewerFormatIsRefusedNotMisread() throws Exception {
        Path file = RolloutFiles.pathFor(home, "dddd4444-0000", Instant.parse("2026-04-01T00:00:00Z"));
        java.nio.file.Files.createDirectories(file.getParent());
        java.nio.file.Files.writeString(file, "{\"type\":\"session_meta\",\"session_id\":\"dddd4444-0000\","
                + "\"rollout_format\":2,\"cwd\":\"/proj/a\"}\n");
        var e = assertThrows(RolloutFormatException.class, () -> RolloutReader.read(file));
        assertTrue(e.getMessage().contains("rollout format 2, written by a newer codex-vertx"), e.getMessage());
        Path current = RolloutFiles.pathFor(home, NEW, Instant.parse("2026-03-01T00:00:01Z"));
        assertEquals(RolloutReader.FORMAT, RolloutReader.read(current).meta().getInteger("rollout_format"));
    }
}

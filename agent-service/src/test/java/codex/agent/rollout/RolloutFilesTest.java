package codex.agent.rollout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RolloutFilesTest {
    static final String OLD = "aaaa1111-0000-0000-0000-000000000001";
    static final String MID_A = "bbbb2222-1111-0000-0000-000000000002";
    static final String MID_B = "bbbb2222-1199-0000-0000-000000000003";
    static final String NEW = "cccc3333-0000-0000-0000-000000000004";

    @TempDir
    Path home;
    RolloutFiles files;

    private void record(String id, String start, String cwd, String... prompts) {
        try (RolloutRecorder r = RolloutRecorder.create(home, id, Instant.parse(start), RolloutTestData.meta(cwd),
                RolloutRecorder.Options.defaults(e -> { throw new AssertionError(e); }))) {
            r.appendItem(RolloutTestData.userMessage("<user_instructions>\n\nbe nice\n\n</user_instructions>"));
            r.appendItem(RolloutTestData.userMessage("<environment_context>\n  <cwd>" + cwd + "</cwd>\n</environment_context>"));
            for (String p : prompts) {
                r.appendItem(RolloutTestData.userMessage(p));
                r.appendItem(RolloutTestData.assistantMessage("ok"));
            }
        }
    }

    @BeforeEach
    void sessions() throws Exception {
        record(OLD, "2025-12-31T23:00:00Z", "/proj/a", "first ever prompt");
        record(MID_A, "2026-02-10T10:00:00Z", "/proj/b", "fix the build\nplease, it is red");
        record(MID_B, "2026-02-10T10:00:05Z", "/proj/a");
        record(NEW, "2026-03-01T00:00:01Z", "/proj/b", "x".repeat(200));
        // things that are not rollouts must not confuse the search
        Files.writeString(home.resolve("sessions/2026/03/01/notes.txt"), "hello");
        Files.writeString(home.resolve("sessions/2026/03/01/rollout-garbage.jsonl"), "{}\n");
        Files.writeString(home.resolve("sessions/2026/03/01/rollout-2026-03-01T00-00-02-zzzzzzzz.jsonl"), "{}\n");
        files = new RolloutFiles(home);
    }

    @Test
    void findsBySessionIdFullOrByUniquePrefix() throws Exception {
        assertEquals(RolloutFiles.pathFor(home, MID_A, Instant.parse("2026-02-10T10:00:00Z")), files.find(MID_A));
        assertEquals(RolloutFiles.pathFor(home, OLD, Instant.parse("2025-12-31T23:00:00Z")), files.find("aaaa1111"));
        assertEquals(files.find(NEW), files.find("CCCC3333-0000"), "ids are matched case-insensitively");
        assertEquals(files.find(MID_B), files.find("bbbb2222-119"));
    }

    @Test
    void ambiguousPrefixListsTheCandidates() {
        RolloutLookupException e = assertThrows(RolloutLookupException.class, () -> files.find("bbbb2222"));
        assertEquals(RolloutLookupException.Kind.AMBIGUOUS, e.kind());
        assertEquals(List.of(MID_B, MID_A), e.candidates(), "newest first");
        assertTrue(e.getMessage().contains(MID_A) && e.getMessage().contains(MID_B), e.getMessage());
    }

    @Test
    void shortOrUnknownIdsAreExplained() {
        RolloutLookupException shortPrefix = assertThrows(RolloutLookupException.class, () -> files.find("aaaa"));
        assertEquals(RolloutLookupException.Kind.PREFIX_TOO_SHORT, shortPrefix.kind());
        assertTrue(shortPrefix.getMessage().contains("at least 8"), shortPrefix.getMessage());
        RolloutLookupException unknown = assertThrows(RolloutLookupException.class, () -> files.find("dddd4444"));
        assertEquals(RolloutLookupException.Kind.NOT_FOUND, unknown.kind());
        assertTrue(unknown.getMessage().contains("dddd4444"), unknown.getMessage());
        assertThrows(RolloutLookupException.class, () -> new RolloutFiles(home.resolve("nowhere")).find(NEW));
    }

    @Test
    void lastIsTheNewestSessionOptionallyInAGivenDirectory() throws Exception {
        assertEquals(Optional.of(files.find(NEW)), files.latest(null));
        assertEquals(Optional.of(files.find(MID_B)), files.latest("/proj/a"));
        assertEquals(Optional.of(files.find(MID_B)), files.latest("/proj/a/"), "same directory, spelled differently");
        assertEquals(Optional.of(files.find(NEW)), files.latest("/proj/b"));
        assertEquals(Optional.empty(), files.latest("/proj/none"));
        assertEquals(Optional.empty(), new RolloutFiles(home.resolve("empty")).latest(null));
    }

    @Test
    void listShowsNewestFirstWithTheFirstRealPrompt() throws Exception {
        List<RolloutFiles.SessionSummary> all = files.list(10, null);
        assertEquals(List.of(NEW, MID_B, MID_A, OLD), all.stream().map(RolloutFiles.SessionSummary::sessionId).toList());
        RolloutFiles.SessionSummary midA = all.get(2);
        assertEquals("fix the build", midA.preview(), "first line of the first prompt, context messages skipped");
        assertEquals("/proj/b", midA.cwd());
        assertEquals(Instant.parse("2026-02-10T10:00:00Z"), midA.startedAt());
        assertEquals("", all.get(1).preview(), "a session without a prompt has an empty preview");
        assertEquals(80, all.get(0).preview().length(), "long prompts are cut for the picker");
        assertTrue(all.get(0).preview().endsWith("…"));

        assertEquals(List.of(NEW, MID_B), files.list(2, null).stream().map(RolloutFiles.SessionSummary::sessionId).toList());
        assertEquals(List.of(MID_B, OLD), files.list(10, "/proj/a").stream().map(RolloutFiles.SessionSummary::sessionId).toList());
    }

    @Test
    void sameSecondStartsAreOrderedByLastWrite() throws Exception {
        String first = "eeee5555-0000-0000-0000-000000000001";
        String second = "0000ffff-0000-0000-0000-000000000002"; // sorts before the first by name
        record(first, "2027-01-01T00:00:00Z", "/x");
        Files.setLastModifiedTime(files.find(first), java.nio.file.attribute.FileTime.fromMillis(1_000));
        record(second, "2027-01-01T00:00:00Z", "/x");
        assertEquals(Optional.of(files.find(second)), files.latest(null));
    }
}

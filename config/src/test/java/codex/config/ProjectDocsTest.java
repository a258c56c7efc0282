package codex.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProjectDocsTest {

    @TempDir
    Path tmp;
    Path home;
    Path repo;
    Path sub;

    @BeforeEach
    void layout() throws IOException {
        home = Files.createDirectories(tmp.resolve("codex-home"));
        repo = Files.createDirectories(tmp.resolve("work/repo"));
        sub = Files.createDirectories(repo.resolve("src/module"));
        // Above the repository root: must never be read.
        Files.writeString(tmp.resolve("work/AGENTS.md"), "outside the repo");
    }

    /** Never looks for a repository above {@code tmp}: a .git above the JVM's temp folder must not change the result. */
    private String load(Path home, Path cwd, int maxBytes) {
        return ProjectDocs.load(home, cwd, maxBytes, tmp);
    }

    @Test
    void aRepositoryAboveTheCeilingIsIgnored() throws IOException {
        // The situation the ceiling guards against: a .git above the folder the tests run in.
        Path outer = Files.createDirectories(tmp.resolve("outer"));
        Files.createDirectory(outer.resolve(".git"));
        Path inner = Files.createDirectories(outer.resolve("inner/cwd"));
        write(outer.resolve("AGENTS.md"), "outer");
        write(inner.resolve("AGENTS.md"), "inner");
        assertEquals("outer\n\ninner", ProjectDocs.load(home, inner, 32768, tmp));
        assertEquals("inner", ProjectDocs.load(home, inner, 32768, outer.resolve("inner")));
    }

    private static void write(Path file, String text) throws IOException {
        Files.writeString(file, text);
    }

    @Test
    void homeThenRepositoryRootDownToCwd() throws IOException {
        Files.createDirectory(repo.resolve(".git"));
        write(home.resolve("AGENTS.md"), "home rules\n");
        write(repo.resolve("AGENTS.md"), "\nroot rules\n\n");
        write(sub.resolve("AGENTS.md"), "module rules");

        assertEquals("home rules\n\nroot rules\n\nmodule rules", load(home, sub, 32768));
        assertEquals(List.of(home.resolve("AGENTS.md"), repo.resolve("AGENTS.md"), sub.resolve("AGENTS.md")),
                ProjectDocs.discover(home, sub, tmp));
        assertEquals(repo, ProjectDocs.repositoryRoot(sub, tmp));
    }

    @Test
    void gitFileMarksTheRootToo() throws IOException {
        write(repo.resolve(".git"), "gitdir: /elsewhere/worktrees/repo\n");
        write(repo.resolve("AGENTS.md"), "root");
        write(repo.resolve("src/AGENTS.md"), "src");
        assertEquals("root\n\nsrc", load(home, sub, 32768));
    }

    @Test
    void withoutARepositoryOnlyTheCwdIsRead() throws IOException {
        write(repo.resolve("AGENTS.md"), "parent");
        write(sub.resolve("AGENTS.md"), "here");
        assertEquals("here", load(home, sub, 32768));
    }

    @Test
    void legacyCodexMdIsUsedOnlyWhereThereIsNoAgentsMd() throws IOException {
        Files.createDirectory(repo.resolve(".git"));
        write(repo.resolve("codex.md"), "legacy root");
        write(sub.resolve("codex.md"), "legacy module");
        write(sub.resolve("AGENTS.md"), "new module");
        assertEquals("legacy root\n\nnew module", load(home, sub, 32768));
    }

    @Test
    void blankFilesAreSkippedAndNoDocsGiveEmpty() throws IOException {
        assertEquals("", load(home, sub, 32768));
        Files.createDirectory(repo.resolve(".git"));
        write(repo.resolve("AGENTS.md"), "  \n\n");
        write(sub.resolve("AGENTS.md"), "only");
        assertEquals("only", load(home, sub, 32768));
        assertEquals("", load(home, sub, 0));
    }

    @Test
    void sameFileIsNotReadTwiceWhenHomeIsTheCwd() throws IOException {
        write(sub.resolve("AGENTS.md"), "once");
        assertEquals("once", load(sub, sub, 32768));
    }

    @Test
    void totalIsCappedAndTheTailIsCutOnACharacterBoundary() throws IOException {
        Files.createDirectory(repo.resolve(".git"));
        write(home.resolve("AGENTS.md"), "0123456789");
        write(repo.resolve("AGENTS.md"), "ééééé"); // 2 bytes each
        String full = load(home, repo, 32768);
        assertEquals("0123456789\n\nééééé", full);

        for (int cap = 1; cap <= full.getBytes(StandardCharsets.UTF_8).length; cap++) {
            String capped = load(home, repo, cap);
            int bytes = capped.getBytes(StandardCharsets.UTF_8).length;
            assertTrue(bytes <= cap && bytes >= cap - 1, "cap " + cap + " gave " + bytes + " bytes");
            assertTrue(full.startsWith(capped), "cap " + cap + " gave '" + capped + "'");
            assertFalse(capped.contains("\uFFFD"), "cap " + cap);
        }
    }

    @Test
    void aSingleHugeFileIsCutCleanlyAtTheCap() throws IOException {
        // 4-byte characters make a mid-character cut likely for most caps.
        write(sub.resolve("AGENTS.md"), "😀".repeat(100_000));
        for (int cap : new int[] {1, 3, 5, 6, 7, 4097}) {
            String capped = load(home, sub, cap);
            assertEquals("😀".repeat(cap / 4), capped, "cap " + cap);
        }
    }
}

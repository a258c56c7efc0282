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

    private static void write(Path file, String text) throws IOException {
        Files.writeString(file, text);
    }

    @Test
    void homeThenRepositoryRootDownToCwd() throws IOException {
        Files.createDirectory(repo.resolve(".git"));
        write(home.resolve("AGENTS.md"), "home rules\n");
        write(repo.resolve("AGENTS.md"), "\nroot rules\n\n");
        write(sub.resolve("AGENTS.md"), "module rules");

        assertEquals("home rules\n\nroot rules\n\nmodule rules", ProjectDocs.load(home, sub, 32768));
        assertEquals(List.of(home.resolve("AGENTS.md"), repo.resolve("AGENTS.md"), sub.resolve("AGENTS.md")),
                ProjectDocs.discover(home, sub));
        assertEquals(repo, ProjectDocs.repositoryRoot(sub));
    }

    @Test
    void gitFileMarksTheRootToo() throws IOException {
        write(repo.resolve(".git"), "gitdir: /elsewhere/worktrees/repo\n");
        write(repo.resolve("AGENTS.md"), "root");
        write(repo.resolve("src/AGENTS.md"), "src");
        assertEquals("root\n\nsrc", ProjectDocs.load(home, sub, 32768));
    }

    @Test
    void withoutARepositoryOnlyTheCwdIsRead() throws IOException {
        write(repo.resolve("AGENTS.md"), "parent");
        write(sub.resolve("AGENTS.md"), "here");
        assertEquals("here", ProjectDocs.load(home, sub, 32768));
    }

    @Test
    void legacyCodexMdIsUsedOnlyWhereThereIsNoAgentsMd() throws IOException {
        Files.createDirectory(repo.resolve(".git"));
        write(repo.resolve("codex.md"), "legacy root");
        write(sub.resolve("codex.md"), "legacy module");
        write(sub.resolve("AGENTS.md"), "new module");
        assertEquals("legacy root\n\nnew module", ProjectDocs.load(home, sub, 32768));
    }

    @Test
    void blankFilesAreSkippedAndNoDocsGiveEmpty() throws IOException {
        assertEquals("", ProjectDocs.load(home, sub, 32768));
        Files.createDirectory(repo.resolve(".git"));
        write(repo.resolve("AGENTS.md"), "  \n\n");
        write(sub.resolve("AGENTS.md"), "only");
        assertEquals("only", ProjectDocs.load(home, sub, 32768));
        assertEquals("", ProjectDocs.load(home, sub, 0));
    }

    @Test
    void sameFileIsNotReadTwiceWhenHomeIsTheCwd() throws IOException {
        write(sub.resolve("AGENTS.md"), "once");
        assertEquals("once", ProjectDocs.load(sub, sub, 32768));
    }

    @Test
    void totalIsCappedAndTheTailIsCutOnACharacterBoundary() throws IOException {
        Files.createDirectory(repo.resolve(".git"));
        write(home.resolve("AGENTS.md"), "0123456789");
        write(repo.resolve("AGENTS.md"), "ééééé"); // 2 bytes each
        String full = ProjectDocs.load(home, repo, 32768);
        assertEquals("0123456789\n\nééééé", full);

        for (int cap = 1; cap <= full.getBytes(StandardCharsets.UTF_8).length; cap++) {
            String capped = ProjectDocs.load(home, repo, cap);
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
            String capped = ProjectDocs.load(home, sub, cap);
            assertEquals("😀".repeat(cap / 4), capped, "cap " + cap);
        }
    }
}

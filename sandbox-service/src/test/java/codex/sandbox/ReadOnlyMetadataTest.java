package codex.sandbox;

import static codex.sandbox.Sandboxes.bash;
import static codex.sandbox.Sandboxes.describe;
import static codex.sandbox.Sandboxes.perms;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import codex.protocol.SandboxPermission;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code disk-read-only-metadata-folders} (what sandbox_mode workspace-write sets): {@code .git} and
 * {@code .codex} directly inside a writable root stay read-only. Each way a command could change them is
 * tried for real, and the folders are compared byte for byte afterwards.
 */
class ReadOnlyMetadataTest {
    static final List<SandboxPermission> WORKSPACE_WRITE = perms("disk-full-read-access", "disk-write-cwd",
            "disk-read-only-metadata-folders");

    @TempDir
    Path tmp;
    Path repo;
    Path outside;

    @BeforeEach
    void repo() throws Exception {
        repo = Sandboxes.mkdirs(tmp.resolve("repo")).toRealPath();
        outside = Sandboxes.mkdirs(tmp.resolve("outside")).toRealPath();
        Files.writeString(Sandboxes.mkdirs(repo.resolve(".git/hooks")).getParent().resolve("config"), "[core]\n");
        Files.writeString(repo.resolve(".git/HEAD"), "ref: refs/heads/main\n");
        Files.writeString(Sandboxes.mkdirs(repo.resolve(".codex")).resolve("config.toml"), "model = \"o3\"\n");
        Files.writeString(Sandboxes.mkdirs(repo.resolve("src")).resolve("a.txt"), "a\n");
        Files.writeString(repo.resolve("src/evil.sh"), "#!/bin/sh\ntouch /tmp/pwned\n");
        Files.writeString(repo.resolve("README.md"), "readme\n");
    }

    private Map<String, String> snapshot(Path dir) throws Exception {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                String kind = Files.isSymbolicLink(p) ? "link:" + Files.readSymbolicLink(p)
                        : Files.isDirectory(p) ? "dir" : "file:" + Files.readString(p) + ":" + Files.isExecutable(p);
                out.put(dir.relativize(p).toString(), kind);
            }
        }
        return out;
    }

    @Test
    void everyWayIntoGitAndCodexIsRefusedWhileTheRestOfTheWorkspaceIsWritable() throws Exception {
        Map<String, String> git = snapshot(repo.resolve(".git"));
        Map<String, String> codex = snapshot(repo.resolve(".codex"));
        List<String> attacks = List.of(
                "echo '[core] hooksPath = /tmp' >> .git/config",
                ": > .git/HEAD",
                "printf '#!/bin/sh\\nid\\n' > .git/hooks/pre-commit",
                "ln -s ../../src/evil.sh .git/hooks/post-checkout",
                "ln src/evil.sh .git/hooks/pre-push",
                "mv src/evil.sh .git/hooks/pre-rebase",
                "cp src/evil.sh .git/hooks/pre-merge-commit",
                "rm -f .git/config",
                "rm -rf .git",
                "mv .git .git-old",
                "mv .git/hooks .git/hooks-old",
                "mkdir .git/new",
                "cd src && ln -s ../.git g && echo x >> g/config",
                "echo 'approval_policy = \"never\"' >> .codex/config.toml",
                "rm -rf .codex",
                "mv .codex .codex-old");
        for (String attack : attacks) {
            ExecResult r = bash(repo, WORKSPACE_WRITE, attack);
            assertTrue(r.exitCode() != 0, attack + " must fail: " + describe(r));
            assertEquals(git, snapshot(repo.resolve(".git")), attack + " changed .git");
            assertEquals(codex, snapshot(repo.resolve(".codex")), attack + " changed .codex");
        }
        assertTrue(Files.exists(repo.resolve("src/evil.sh")), "the mv into .git did not happen");

        ExecResult work = bash(repo, WORKSPACE_WRITE, "echo more >> README.md && echo b > src/b.txt && mkdir -p src/x/y"
                + " && rm src/a.txt && cat .git/config");
        assertEquals(0, work.exitCode(), describe(work));
        assertEquals("[core]\n", work.stdout(), "reading .git still works");
        assertEquals("readme\nmore\n", Files.readString(repo.resolve("README.md")));
        assertTrue(Files.exists(repo.resolve("src/b.txt")) && Files.isDirectory(repo.resolve("src/x/y")));
        assertFalse(Files.exists(repo.resolve("src/a.txt")));
    }

    @Test
    void theDocumentedLimitNewEntriesDirectlyInTheRootAreRefusedAndSymlinkedEntriesAreNotGranted() throws Exception {
        ExecResult top = bash(repo, WORKSPACE_WRITE, "echo x > NEW.md");
        assertTrue(top.exitCode() != 0, describe(top));
        assertFalse(Files.exists(repo.resolve("NEW.md")));
        // an entry that is a symlink to a folder outside gives no write access there
        Files.createSymbolicLink(repo.resolve("out"), outside);
        ExecResult through = bash(repo, WORKSPACE_WRITE, "echo x > out/f");
        assertTrue(through.exitCode() != 0, describe(through));
        assertFalse(Files.exists(outside.resolve("f")));
    }

    @Test
    void withoutThePermissionDiskWriteCwdKeepsItsSeedMeaningGitIncluded() throws Exception {
        ExecResult r = bash(repo, perms("disk-full-read-access", "disk-write-cwd"), "echo '# ok' >> .git/config && echo x > NEW.md");
        assertEquals(0, r.exitCode(), describe(r));
        assertEquals("[core]\n# ok\n", Files.readString(repo.resolve(".git/config")));
    }

    @Test
    void aRootWithoutMetadataFoldersIsWritableAsAWhole() throws Exception {
        Path plain = Sandboxes.mkdirs(tmp.resolve("plain")).toRealPath();
        ExecResult r = bash(plain, WORKSPACE_WRITE, "echo x > NEW.md && mkdir d");
        assertEquals(0, r.exitCode(), describe(r));
        assertTrue(Files.exists(plain.resolve("NEW.md")));
    }

    @Test
    void aWritableRootAboveTheRepositoryDoesNotReopenItsGitFolder() throws Exception {
        // workspace-write also grants /tmp and $TMPDIR: a repository beneath them keeps its .git read-only
        Map<String, String> git = snapshot(repo.resolve(".git"));
        List<SandboxPermission> perms = perms("disk-full-read-access", "disk-write-cwd", "disk-write-folder=" + tmp,
                "disk-read-only-metadata-folders");
        ExecResult attack = bash(repo, perms, "echo x >> .git/config");
        assertTrue(attack.exitCode() != 0, describe(attack));
        assertEquals(git, snapshot(repo.resolve(".git")));
        ExecResult work = bash(repo, perms, "echo y > " + outside.resolve("f") + " && echo z > src/z");
        assertEquals(0, work.exitCode(), "the rest of the outer root stays writable: " + describe(work));
    }
}

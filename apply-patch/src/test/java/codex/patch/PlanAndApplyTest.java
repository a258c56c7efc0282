package codex.patch;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PlanAndApplyTest {
    @TempDir
    Path dir;

    private void write(String name, String content) throws IOException {
        Path file = dir.resolve(name);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content, StandardCharsets.UTF_8);
    }

    private String read(String name) throws IOException {
        return Files.readString(dir.resolve(name), StandardCharsets.UTF_8);
    }

    private static String patch(String... bodyLines) {
        return "*** Begin Patch\n" + String.join("\n", bodyLines) + "\n*** End Patch\n";
    }

    /** Every entry under dir with its bytes and modification time. */
    private Map<String, String> state() throws IOException {
        Map<String, String> state = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.toList()) {
                FileTime modified = Files.getLastModifiedTime(p);
                String content = Files.isRegularFile(p) ? Files.readString(p) : "<dir>";
                state.put(dir.relativize(p).toString(), content + " @" + modified.toMillis());
            }
        }
        return state;
    }

    @Test
    void planningComputesEveryChangeAndWritesNothing() throws Exception {
        write("mod.txt", "a\nb\nc\nd\ne\nf\n");
        write("gone.txt", "bye\n");
        write("old/name.txt", "x\n");
        Files.setLastModifiedTime(dir.resolve("mod.txt"), FileTime.fromMillis(1_000_000_000_000L));
        Map<String, String> before = state();

        List<FileChange> changes = PatchPlanner.plan(Patch.parse(patch(
                "*** Add File: new/dir/added.txt", "+hello",
                "*** Update File: mod.txt", "@@", " b", "-c", "+C", " d",
                "*** Delete File: gone.txt",
                "*** Update File: old/name.txt", "*** Move to: moved/name.txt", "@@", "-x", "+y")), dir);

        assertEquals(before, state(), "plan must not create, change or touch anything");
        assertFalse(Files.exists(dir.resolve("new")));

        FileChange add = changes.get(0);
        assertEquals(FileChange.Kind.ADD, add.kind());
        assertEquals(dir.resolve("new/dir/added.txt"), add.path());
        assertEquals("hello\n", add.unifiedDiff());
        assertEquals("hello\n", add.newContent());
        assertNull(add.originalContent());

        FileChange update = changes.get(1);
        assertEquals(FileChange.Kind.UPDATE, update.kind());
        assertEquals("@@ -2,3 +2,3 @@\n b\n-c\n+C\n d\n", update.unifiedDiff());
        assertEquals("a\nb\nC\nd\ne\nf\n", update.newContent());
        assertEquals("a\nb\nc\nd\ne\nf\n", update.originalContent());

        FileChange delete = changes.get(2);
        assertEquals(FileChange.Kind.DELETE, delete.kind());
        assertEquals("bye\n", delete.unifiedDiff());
        assertNull(delete.newContent());

        FileChange move = changes.get(3);
        assertEquals(dir.resolve("old/name.txt"), move.path());
        assertEquals(dir.resolve("moved/name.txt"), move.movePath());
        assertEquals("y\n", move.newContent());
    }

    @Test
    void planSeesEarlierOperationsOfTheSamePatch() throws Exception {
        List<FileChange> changes = PatchPlanner.plan(Patch.parse(patch(
                "*** Add File: f.txt", "+one",
                "*** Update File: f.txt", "@@", "-one", "+two",
                "*** Delete File: f.txt")), dir);
        assertEquals("two\n", changes.get(1).newContent());
        assertEquals("two\n", changes.get(2).originalContent());
        assertFalse(Files.exists(dir.resolve("f.txt")));
        PatchApplyException twice = assertThrows(PatchApplyException.class, () -> PatchPlanner.plan(Patch.parse(patch(
                "*** Add File: f.txt", "+one", "*** Delete File: f.txt", "*** Delete File: f.txt")), dir));
        assertTrue(twice.getMessage().contains("does not exist"), twice.getMessage());
    }

    @Test
    void unmatchedLinesErrorNamesTheFileAndTheLines() throws Exception {
        write("src/app.py", "def f():\n    return 1\n");
        String text = patch("*** Update File: src/app.py", "@@", " def f():", "-    return 2", "+    return 3");
        PatchApplyException error = assertThrows(PatchApplyException.class,
                () -> PatchPlanner.plan(Patch.parse(text), dir));
        assertEquals("src/app.py", error.path());
        String message = error.getMessage();
        assertTrue(message.contains("src/app.py"), message);
        assertTrue(message.contains("patch line 3"), message);
        assertTrue(message.contains("    return 2"), message);

        ApplyResult result = PatchApplier.apply(text, dir, List.of());
        assertFalse(result.succeeded());
        assertEquals("def f():\n    return 1\n", read("src/app.py"), "a failed update leaves the file alone");

        PatchApplyException context = assertThrows(PatchApplyException.class, () -> PatchPlanner.plan(Patch.parse(
                patch("*** Update File: src/app.py", "@@ class Missing:", "-    return 1", "+    return 2")), dir));
        assertTrue(context.getMessage().contains("class Missing:") && context.getMessage().contains("src/app.py"),
                context.getMessage());
    }

    @Test
    void fuzzyMatchesApplyButKeepTheNewLinesAsWritten() throws Exception {
        write("doc.md", "  Intro \u2014 \u201Cquoted\u201D   \nend\n");
        ApplyResult result = PatchApplier.apply(patch("*** Update File: doc.md", "@@",
                "-Intro - \"quoted\"", "+Intro: plain"), dir, List.of());
        assertTrue(result.succeeded(), result.failureReport());
        assertEquals("Intro: plain\nend\n", read("doc.md"));
    }

    @Test
    void fuzzyMatchedContextLinesKeepTheFileText() throws Exception {
        write("Main.java", "class Main {\n    int a = 1;   \n    int b = 2;\n    int c = 3;\n}\n");
        ApplyResult result = PatchApplier.apply(patch("*** Update File: Main.java", "@@",
                " int a = 1;", "-int b = 2;", "+    int b = 20;", " int c = 3;"), dir, List.of());
        assertTrue(result.succeeded(), result.failureReport());
        assertEquals("class Main {\n    int a = 1;   \n    int b = 20;\n    int c = 3;\n}\n", read("Main.java"));
        assertEquals("@@ -2,3 +2,3 @@\n     int a = 1;   \n-    int b = 2;\n+    int b = 20;\n     int c = 3;\n",
                result.applied().get(0).unifiedDiff());
    }

    @Test
    void contextHeaderNarrowsTheSearch() throws Exception {
        write("m.py", "def a():\n    x = 1\ndef b():\n    x = 1\n");
        PatchApplier.apply(patch("*** Update File: m.py", "@@ def b():", "-    x = 1", "+    x = 2"), dir, null);
        assertEquals("def a():\n    x = 1\ndef b():\n    x = 2\n", read("m.py"));
    }

    @Test
    void keepsCrlfLineEndingsAndByteOrderMark() throws Exception {
        Files.write(dir.resolve("win.txt"), "\uFEFFone\r\ntwo\r\nthree\r\n".getBytes(StandardCharsets.UTF_8));
        ApplyResult result = PatchApplier.apply(patch("*** Update File: win.txt", "@@", " one", "-two", "+2"),
                dir, null);
        assertTrue(result.succeeded(), result.failureReport());
        assertArrayEquals("\uFEFFone\r\n2\r\nthree\r\n".getBytes(StandardCharsets.UTF_8),
                Files.readAllBytes(dir.resolve("win.txt")));
        assertEquals("@@ -1,3 +1,3 @@\n one\n-two\n+2\n three\n", result.applied().get(0).unifiedDiff());
    }

    @Test
    void diffShowsAMissingFinalNewlineBeingAdded() throws Exception {
        write("n.txt", "a\nb");
        List<FileChange> changes = PatchPlanner.plan(Patch.parse(patch("*** Update File: n.txt", "@@", "+c")), dir);
        assertEquals("a\nb\nc\n", changes.get(0).newContent());
        assertEquals("@@ -1,2 +1,3 @@\n a\n-b\n\\ No newline at end of file\n+b\n+c\n", changes.get(0).unifiedDiff());
    }

    @Test
    void partialFailureReportsWhatWasKept() throws Exception {
        write("keep.txt", "k\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = ApplyPatchCommand.run(patch(
                        "*** Add File: created.txt", "+hello",
                        "*** Delete File: keep.txt",
                        "*** Update File: missing.txt", "@@", "-old", "+new",
                        "*** Add File: never.txt", "+no"),
                dir, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(1, exit);
        assertEquals("", out.toString(StandardCharsets.UTF_8));
        String report = err.toString(StandardCharsets.UTF_8);
        assertTrue(report.startsWith("Cannot update missing.txt (patch line 5): the file does not exist."), report);
        assertTrue(report.endsWith("These changes were applied before the failure and were kept:\n"
                + "A created.txt\nD keep.txt\n"), report);
        assertTrue(Files.exists(dir.resolve("created.txt")));
        assertFalse(Files.exists(dir.resolve("keep.txt")));
        assertFalse(Files.exists(dir.resolve("never.txt")), "nothing after the failure is applied");
    }

    @Test
    void successSummaryMatchesCodex() throws Exception {
        write("m.txt", "1\n");
        write("d.txt", "2\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int exit = ApplyPatchCommand.run(patch("*** Delete File: d.txt", "*** Update File: m.txt", "@@", "-1", "+one",
                        "*** Add File: sub/a.txt", "+a"), dir,
                new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
        assertEquals(0, exit);
        assertEquals("Success. Updated the following files:\nA sub/a.txt\nM m.txt\nD d.txt\n",
                out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void parseErrorsGoToStderrWithExitOne() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = ApplyPatchCommand.run("*** Begin Patch\n*** Frobnicate File: foo\n*** End Patch\n", dir,
                System.out, new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(1, exit);
        assertTrue(err.toString(StandardCharsets.UTF_8).startsWith("Invalid patch (line 2): "), err.toString());
    }

    @Test
    void moveKeepsPermissionsAndAbsolutePathsWork() throws Exception {
        write("run.sh", "echo a\n");
        Path script = dir.resolve("run.sh");
        Set<PosixFilePermission> executable = Set.of(PosixFilePermission.OWNER_READ,
                PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE);
        Files.setPosixFilePermissions(script, executable);
        Path target = dir.resolve("bin/run.sh");
        ApplyResult result = PatchApplier.apply(patch("*** Update File: " + script, "*** Move to: " + target,
                "@@", "-echo a", "+echo b"), Path.of("/"), List.of(dir));
        assertTrue(result.succeeded(), result.failureReport());
        assertFalse(Files.exists(script));
        assertEquals("echo b\n", Files.readString(target));
        assertEquals(executable, Files.getPosixFilePermissions(target));
    }

    @Test
    void binaryFilesCannotBeUpdatedButCanBeDeleted() throws Exception {
        Files.write(dir.resolve("blob.bin"), new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1});
        PatchApplyException error = assertThrows(PatchApplyException.class, () -> PatchPlanner.plan(
                Patch.parse(patch("*** Update File: blob.bin", "@@", "+x")), dir));
        assertTrue(error.getMessage().contains("not UTF-8"), error.getMessage());
        assertTrue(PatchApplier.apply(patch("*** Delete File: blob.bin"), dir, null).succeeded());
        assertFalse(Files.exists(dir.resolve("blob.bin")));
    }

    @Test
    void deletingAnEmptyDirectoryIsRefused() throws Exception {
        Files.createDirectories(dir.resolve("empty"));
        ApplyResult result = PatchApplier.apply(patch("*** Delete File: empty"), dir, null);
        assertFalse(result.succeeded());
        assertTrue(result.failure().getMessage().contains("empty") && result.failure().getMessage().contains("directory"),
                result.failure().getMessage());
        assertTrue(Files.isDirectory(dir.resolve("empty")));
    }

    @Test
    void trailingBlankLineSurvivesAndMoveOntoItselfKeepsTheFile() throws Exception {
        write("t.txt", "a\n\n");
        ApplyResult result = PatchApplier.apply(patch("*** Update File: t.txt", "*** Move to: ./t.txt", "@@",
                "-a", "+b"), dir, null);
        assertTrue(result.succeeded(), result.failureReport());
        assertEquals("b\n\n", read("t.txt"));
        assertNull(result.applied().get(0).movePath());
    }
}

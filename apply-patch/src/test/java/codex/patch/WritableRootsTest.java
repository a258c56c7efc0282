package codex.patch;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The root check is tried for real: each patch first makes a harmless change inside the root, then tries to write
 * outside it; the whole patch must be refused and neither change may reach the disk.
 */
class WritableRootsTest {
    @TempDir
    Path temp;
    Path root;
    Path outside;

    @BeforeEach
    void layout() throws IOException {
        root = Files.createDirectories(temp.resolve("work"));
        outside = Files.createDirectories(temp.resolve("secret"));
        Files.writeString(root.resolve("inside.txt"), "in\n");
        Files.writeString(outside.resolve("target.txt"), "precious\n");
    }

    private static String patch(String... bodyLines) {
        return "*** Begin Patch\n*** Add File: first.txt\n+written first\n" + String.join("\n", bodyLines)
                + "\n*** End Patch\n";
    }

    private void assertRefusedAndNothingWritten(String patchText, String namedPath) throws IOException {
        Map<String, String> before = ScenarioConformanceTest.snapshot(temp);
        ApplyResult result = PatchApplier.apply(patchText, root, List.of(root));
        assertFalse(result.succeeded(), "should have been refused: " + patchText);
        assertInstanceOf(PatchApplyException.class, result.failure());
        assertTrue(result.applied().isEmpty());
        String message = result.failure().getMessage();
        assertTrue(message.contains(namedPath), "error should name " + namedPath + ": " + message);
        assertTrue(message.contains("outside the writable roots"), message);
        assertEquals(before, ScenarioConformanceTest.snapshot(temp), "nothing may be written");
        assertFalse(Files.exists(root.resolve("first.txt")));
        assertEquals("precious\n", Files.readString(outside.resolve("target.txt")));
    }

    @Test
    void absolutePathOutsideIsRefused() throws IOException {
        Path target = outside.resolve("target.txt");
        assertRefusedAndNothingWritten(patch("*** Add File: " + target, "+pwned"), target.toString());
        assertRefusedAndNothingWritten(patch("*** Delete File: " + target), target.toString());
    }

    @Test
    void dotDotEscapeIsRefused() throws IOException {
        assertRefusedAndNothingWritten(patch("*** Add File: ../secret/new.txt", "+pwned"),
                outside.resolve("new.txt").toString());
        assertRefusedAndNothingWritten(patch("*** Update File: inside.txt", "*** Move to: sub/../../secret/moved.txt",
                "@@", "-in", "+out"), outside.resolve("moved.txt").toString());
    }

    @Test
    void symlinkedDirectoryEscapeIsRefused() throws IOException {
        Files.createSymbolicLink(root.resolve("link"), outside);
        assertRefusedAndNothingWritten(patch("*** Add File: link/new.txt", "+pwned"), "link/new.txt");
        assertRefusedAndNothingWritten(patch("*** Update File: link/target.txt", "@@", "-precious", "+pwned"),
                "link/target.txt");
    }

    @Test
    void dotDotAfterASymlinkIsResolvedBeforeCheckingAndWriting() throws IOException {
        // A link whose own target uses `..` is followed the way the OS does: from the link's directory.
        Files.createSymbolicLink(root.resolve("up"), Path.of("../secret"));
        assertRefusedAndNothingWritten(patch("*** Add File: up/new.txt", "+pwned"), "up/new.txt");
        // Patch paths are normalised as text ("deeplink/../x" is "x"), and the normalised path is both the one
        // checked and the one written, so the OS never gets the chance to climb out of the link's target.
        Files.createDirectories(outside.resolve("deep"));
        Files.createSymbolicLink(root.resolve("deeplink"), outside.resolve("deep"));
        ApplyResult result = PatchApplier.apply(patch("*** Add File: deeplink/../landed.txt", "+here"), root,
                List.of(root));
        assertTrue(result.succeeded(), result.failureReport());
        assertEquals("here\n", Files.readString(root.resolve("landed.txt")));
        assertFalse(Files.exists(outside.resolve("landed.txt")));
    }

    @Test
    void symlinkedFileEscapeIsRefusedEvenWhenDangling() throws IOException {
        Files.createSymbolicLink(root.resolve("points-out.txt"), outside.resolve("target.txt"));
        assertRefusedAndNothingWritten(patch("*** Update File: points-out.txt", "@@", "-precious", "+pwned"),
                "points-out.txt");
        Files.createSymbolicLink(root.resolve("dangling.txt"), outside.resolve("created-by-write.txt"));
        assertRefusedAndNothingWritten(patch("*** Add File: dangling.txt", "+pwned"), "dangling.txt");
        assertFalse(Files.exists(outside.resolve("created-by-write.txt")));
    }

    @Test
    void symlinkLoopIsRefused() throws IOException {
        Files.createSymbolicLink(root.resolve("loop-a"), root.resolve("loop-b"));
        Files.createSymbolicLink(root.resolve("loop-b"), root.resolve("loop-a"));
        assertRefusedAndNothingWritten(patch("*** Add File: loop-a/x.txt", "+x"), "loop-a");
    }

    @Test
    void pathsInsideTheRootsAreAllowed() throws IOException {
        Files.createDirectories(root.resolve("real"));
        Files.createSymbolicLink(root.resolve("alias"), root.resolve("real"));
        ApplyResult result = PatchApplier.apply(patch("*** Add File: alias/a.txt", "+a",
                "*** Update File: inside.txt", "*** Move to: " + root.resolve("nested/moved.txt"), "@@", "-in", "+ok"),
                root, List.of(temp.resolve("work/../work")));
        assertTrue(result.succeeded(), result.failureReport());
        assertEquals("a\n", Files.readString(root.resolve("real/a.txt")));
        assertEquals("ok\n", Files.readString(root.resolve("nested/moved.txt")));
    }

    @Test
    void siblingWithSharedPrefixIsNotInsideTheRoot() throws IOException {
        Files.createDirectories(temp.resolve("work-evil"));
        assertRefusedAndNothingWritten(patch("*** Add File: ../work-evil/x.txt", "+x"), "work-evil");
    }

    @Test
    void noRootsMeansNoRestriction() throws IOException {
        ApplyResult result = PatchApplier.apply(patch("*** Add File: ../secret/free.txt", "+ok"), root, List.of());
        assertTrue(result.succeeded(), result.failureReport());
        assertEquals("ok\n", Files.readString(outside.resolve("free.txt")));
    }

    @Test
    void helpersReportOffendersForApprovalDecisions() throws Exception {
        Patch p = Patch.parse(patch("*** Update File: inside.txt", "*** Move to: ../secret/m.txt", "@@", "-in",
                "+x"));
        List<Path> touched = WritableRoots.touchedPaths(p, root);
        assertEquals(List.of(root.resolve("first.txt"), root.resolve("inside.txt"), outside.resolve("m.txt")),
                touched);
        assertEquals(List.of(outside.resolve("m.txt")), WritableRoots.outside(touched, List.of(root)));
        assertEquals(List.of(), WritableRoots.outside(touched, List.of(root, outside)));
    }
}

package codex.execpolicy;

import codex.protocol.ApprovalPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PathContainmentTest {

    @Test
    void comparesWholeNamesNotCharacters() {
        assertTrue(PathContainment.isInside(Path.of("/a/b"), Path.of("/a/b")));
        assertTrue(PathContainment.isInside(Path.of("/a/b/c"), Path.of("/a/b")));
        assertTrue(PathContainment.isInside(Path.of("/a/b/c"), Path.of("/a/b/")));
        assertFalse(PathContainment.isInside(Path.of("/a/bc"), Path.of("/a/b")));
        assertFalse(PathContainment.isInside(Path.of("/a"), Path.of("/a/b")));
        assertFalse(PathContainment.isInside(Path.of("/a/b/../c"), Path.of("/a/b")));
        assertTrue(PathContainment.isInside(Path.of("/anything"), Path.of("/")));
    }

    /** A link inside a writable root that points outside: lexically inside, really outside. */
    @Test
    void canonicalizeSeesThroughSymlinks(@TempDir Path dir) throws Exception {
        Path root = Files.createDirectory(dir.resolve("root"));
        Path outside = Files.createDirectory(dir.resolve("outside"));
        Files.createSymbolicLink(root.resolve("escape"), outside);
        Path touched = root.resolve("escape/new-file.txt");

        assertTrue(PathContainment.isInside(touched, root), "lexically it looks inside");
        Path real = PathContainment.canonicalize(touched);
        assertEquals(outside.toRealPath().resolve("new-file.txt"), real);
        assertFalse(PathContainment.isInside(real, PathContainment.canonicalize(root)));
        assertEquals(PatchDecision.REJECT, ApprovalRules.forPatch(ApprovalPolicy.NEVER, List.of(real),
                List.of(PathContainment.canonicalize(root)), List.of()));

        // Writing through the link really lands outside the root, which is what the check protects.
        Files.writeString(touched, "x");
        assertTrue(Files.exists(outside.resolve("new-file.txt")));
    }

    @Test
    void canonicalizeFollowsADanglingLinkToWhereAWriteWouldGo(@TempDir Path dir) throws Exception {
        Path root = Files.createDirectory(dir.resolve("root"));
        Path target = dir.resolve("outside-not-yet-created.txt");
        Files.createSymbolicLink(root.resolve("dangling"), target);

        assertEquals(dir.toRealPath().resolve("outside-not-yet-created.txt"),
                PathContainment.canonicalize(root.resolve("dangling")));
        Files.writeString(root.resolve("dangling"), "x"); // the write creates the link's target
        assertTrue(Files.exists(target));
    }

    @Test
    void canonicalizeResolvesDotDotAfterFollowingALink(@TempDir Path dir) throws Exception {
        Path root = Files.createDirectory(dir.resolve("root"));
        Path deep = Files.createDirectories(dir.resolve("elsewhere/deep"));
        Files.createSymbolicLink(root.resolve("link"), deep);
        // The kernel follows link first, then "..": root/link/../x is elsewhere/x, not root/x.
        assertEquals(dir.toRealPath().resolve("elsewhere/x"), PathContainment.canonicalize(root.resolve("link/../x")));
    }

    @Test
    void canonicalizeKeepsNotYetExistingNames(@TempDir Path dir) throws Exception {
        assertEquals(dir.toRealPath().resolve("a/b/c.txt"), PathContainment.canonicalize(dir.resolve("a/b/c.txt")));
    }

    @Test
    void canonicalizeSurvivesALinkLoop(@TempDir Path dir) throws Exception {
        Files.createSymbolicLink(dir.resolve("loop1"), dir.resolve("loop2"));
        Files.createSymbolicLink(dir.resolve("loop2"), dir.resolve("loop1"));
        Path result = PathContainment.canonicalize(dir.resolve("loop1/x"));
        assertTrue(result.isAbsolute());
    }
}

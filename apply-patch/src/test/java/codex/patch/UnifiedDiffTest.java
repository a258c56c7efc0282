package codex.patch;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class UnifiedDiffTest {
    private static final List<String> TEN = List.of("1", "2", "3", "4", "5", "6", "7", "8", "9", "10");

    private static String diff(List<ChunkApplier.Replacement> replacements) {
        return UnifiedDiff.fromReplacements(TEN, true, replacements);
    }

    @Test
    void distantChangesGetSeparateHunksWithOneLineOfContext() {
        assertEquals("@@ -1,2 +1,2 @@\n-1\n+one\n 2\n@@ -7,4 +7,2 @@\n 7\n-8\n-9\n 10\n", diff(List.of(
                new ChunkApplier.Replacement(0, 1, List.of("one")),
                new ChunkApplier.Replacement(7, 2, List.of()))));
    }

    @Test
    void changesTwoLinesApartShareAHunk() {
        assertEquals("@@ -2,5 +2,6 @@\n 2\n-3\n+three\n 4\n 5\n+5.5\n 6\n", diff(List.of(
                new ChunkApplier.Replacement(2, 1, List.of("three")),
                new ChunkApplier.Replacement(5, 0, List.of("5.5")))));
    }

    @Test
    void contextInsideAReplacementIsShownAsContext() {
        assertEquals("@@ -3,5 +3,5 @@\n 3\n-4\n+four\n 5\n-6\n+six\n 7\n", diff(List.of(
                new ChunkApplier.Replacement(2, 5, List.of("3", "four", "5", "six", "7")))));
    }

    @Test
    void additionToAnEmptyFile() {
        assertEquals("@@ -0,0 +1,2 @@\n+a\n+b\n",
                UnifiedDiff.fromReplacements(List.of(), true,
                        List.of(new ChunkApplier.Replacement(0, 0, List.of("a", "b")))));
    }
}

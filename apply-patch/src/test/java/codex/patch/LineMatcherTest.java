package codex.patch;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static codex.patch.LineMatcher.Level.EXACT;
import static codex.patch.LineMatcher.Level.IGNORE_SURROUNDING_WHITESPACE;
import static codex.patch.LineMatcher.Level.IGNORE_TRAILING_WHITESPACE;
import static codex.patch.LineMatcher.Level.NORMALISED_PUNCTUATION;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LineMatcherTest {

    private static LineMatcher.Match find(List<String> lines, List<String> pattern) {
        return LineMatcher.find(lines, pattern, 0, false).orElseThrow();
    }

    @Test
    void exactMatchWinsOverAnEarlierFuzzyOne() {
        List<String> lines = List.of("foo  ", "bar", "foo", "bar");
        assertEquals(new LineMatcher.Match(2, EXACT), find(lines, List.of("foo", "bar")));
    }

    @Test
    void eachLevelIsUsedOnlyWhenTheStricterOnesFail() {
        assertEquals(new LineMatcher.Match(1, IGNORE_TRAILING_WHITESPACE),
                find(List.of("x", "foo \t", "bar"), List.of("foo", "bar")));
        assertEquals(new LineMatcher.Match(0, IGNORE_SURROUNDING_WHITESPACE),
                find(List.of("    return x;", "}"), List.of("return x;", "}")));
        assertEquals(new LineMatcher.Match(0, NORMALISED_PUNCTUATION),
                find(List.of("say \u201Chi\u201D \u2014 it\u2019s\u00A0fine"), List.of("say \"hi\" - it's fine")));
    }

    @Test
    void differentTextIsNotMatchedAtAnyLevel() {
        List<String> lines = List.of("alpha", "beta");
        assertTrue(LineMatcher.find(lines, List.of("alpha", "gamma"), 0, false).isEmpty());
        assertTrue(LineMatcher.find(lines, List.of("al pha"), 0, false).isEmpty(), "inner whitespace matters");
        assertTrue(LineMatcher.find(lines, List.of("alpha", "beta", "x"), 0, false).isEmpty());
        assertTrue(LineMatcher.find(lines, List.of("alpha"), 1, false).isEmpty(), "search starts at `start`");
    }

    @Test
    void endOfFilePrefersTheLastPositionAndFallsBack() {
        List<String> lines = List.of("target", "x", "target");
        assertEquals(Optional.of(new LineMatcher.Match(2, EXACT)),
                LineMatcher.find(lines, List.of("target"), 0, true));
        assertEquals(Optional.of(new LineMatcher.Match(0, EXACT)),
                LineMatcher.find(List.of("target", "x"), List.of("target"), 0, true));
    }
}

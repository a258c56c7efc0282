package codex.patch;

import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Finds a run of patch lines in a file's lines. Each pass is more forgiving than the last, and a looser pass is only
 * tried when no position matches the stricter one anywhere, so an exact match always wins.
 */
final class LineMatcher {

    enum Level {
        EXACT(s -> s),
        IGNORE_TRAILING_WHITESPACE(TextLines::trimEnd),
        IGNORE_SURROUNDING_WHITESPACE(TextLines::trim),
        /** Also maps typographic dashes, quotes and odd spaces to ASCII, for patches typed in plain ASCII. */
        NORMALISED_PUNCTUATION(s -> normalisePunctuation(TextLines.trim(s)));

        private final UnaryOperator<String> canonical;

        Level(UnaryOperator<String> canonical) {
            this.canonical = canonical;
        }
    }

    record Match(int index, Level level) {
    }

    private LineMatcher() {
    }

    /**
     * Finds {@code pattern} in {@code lines} at or after {@code start}. With {@code endOfFile} the position that ends
     * at the last line is tried first (at every level), then the normal search.
     */
    static Optional<Match> find(List<String> lines, List<String> pattern, int start, boolean endOfFile) {
        if (pattern.isEmpty()) {
            return Optional.of(new Match(start, Level.EXACT));
        }
        int lastStart = lines.size() - pattern.size();
        if (lastStart < start) {
            return Optional.empty();
        }
        if (endOfFile) {
            for (Level level : Level.values()) {
                if (matchesAt(lines, pattern, lastStart, level)) {
                    return Optional.of(new Match(lastStart, level));
                }
            }
        }
        for (Level level : Level.values()) {
            for (int i = start; i <= lastStart; i++) {
                if (matchesAt(lines, pattern, i, level)) {
                    return Optional.of(new Match(i, level));
                }
            }
        }
        return Optional.empty();
    }

    private static boolean matchesAt(List<String> lines, List<String> pattern, int at, Level level) {
        for (int j = 0; j < pattern.size(); j++) {
            String fileLine = lines.get(at + j);
            String patchLine = pattern.get(j);
            if (!fileLine.equals(patchLine)
                    && !level.canonical.apply(fileLine).equals(level.canonical.apply(patchLine))) {
                return false;
            }
        }
        return true;
    }

    static String normalisePunctuation(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            out.append(switch (c) {
                case '\u2010', '\u2011', '\u2012', '\u2013', '\u2014', '\u2015', '\u2212' -> '-';
                case '\u2018', '\u2019', '\u201A', '\u201B' -> '\'';
                case '\u201C', '\u201D', '\u201E', '\u201F' -> '"';
                case '\u00A0', '\u2002', '\u2003', '\u2004', '\u2005', '\u2006', '\u2007', '\u2008', '\u2009',
                        '\u200A', '\u202F', '\u205F', '\u3000' -> ' ';
                default -> c;
            });
        }
        return out.toString();
    }
}

package codex.patch;

import codex.patch.PatchOperation.UpdateChunk;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** Applies the chunks of one Update File section to a file's text, in memory. */
final class ChunkApplier {

    /** Lines {@code [start, start + oldCount)} of the original become {@code newLines}. */
    record Replacement(int start, int oldCount, List<String> newLines) {
    }

    record Result(String newContent, String unifiedDiff) {
    }

    private ChunkApplier() {
    }

    /**
     * @param displayPath the file as written in the patch, for error messages
     * @throws PatchApplyException naming the file and the patch lines that could not be located
     */
    static Result apply(String displayPath, String originalText, List<UpdateChunk> chunks) throws PatchApplyException {
        TextLines original = TextLines.of(originalText);
        List<Replacement> replacements = locate(displayPath, original.lines, chunks);
        List<String> newLines = new ArrayList<>(original.lines);
        for (int i = replacements.size() - 1; i >= 0; i--) {
            Replacement r = replacements.get(i);
            newLines.subList(r.start(), r.start() + r.oldCount()).clear();
            newLines.addAll(r.start(), r.newLines());
        }
        String diff = UnifiedDiff.fromReplacements(original.lines, original.endsWithLineBreak, replacements);
        return new Result(original.render(newLines), diff);
    }

    private static List<Replacement> locate(String displayPath, List<String> lines, List<UpdateChunk> chunks)
            throws PatchApplyException {
        List<Replacement> replacements = new ArrayList<>();
        int searchFrom = 0;
        for (UpdateChunk chunk : chunks) {
            for (String header : chunk.contextHeaders()) {
                Optional<LineMatcher.Match> found = LineMatcher.find(lines, List.of(header), searchFrom, false);
                if (found.isEmpty()) {
                    throw new PatchApplyException(displayPath, "Failed to apply the chunk at patch line "
                            + chunk.lineNumber() + " to " + displayPath + ": the context line '@@ " + header
                            + "' was not found" + (searchFrom > 0 ? " below line " + searchFrom : "")
                            + " in the file. Re-read the file and regenerate the patch.");
                }
                searchFrom = found.get().index() + 1;
            }
            if (chunk.oldLines().isEmpty()) {
                // Nothing to match: Codex appends pure additions at the end of the file (before a final blank line).
                int at = !lines.isEmpty() && lines.get(lines.size() - 1).isEmpty() ? lines.size() - 1 : lines.size();
                replacements.add(new Replacement(at, 0, chunk.newLines()));
                continue;
            }
            List<String> pattern = chunk.oldLines();
            List<String> replacement = chunk.newLines();
            Optional<LineMatcher.Match> found = LineMatcher.find(lines, pattern, searchFrom, chunk.endOfFile());
            if (found.isEmpty() && pattern.get(pattern.size() - 1).isEmpty()) {
                // A trailing empty line in the chunk usually stands for the file's final line break: retry without it.
                pattern = pattern.subList(0, pattern.size() - 1);
                if (!replacement.isEmpty() && replacement.get(replacement.size() - 1).isEmpty()) {
                    replacement = replacement.subList(0, replacement.size() - 1);
                }
                found = pattern.isEmpty() ? Optional.empty()
                        : LineMatcher.find(lines, pattern, searchFrom, chunk.endOfFile());
            }
            if (found.isEmpty()) {
                throw new PatchApplyException(displayPath, notFoundMessage(displayPath, chunk, searchFrom));
            }
            int start = found.get().index();
            if (found.get().level() != LineMatcher.Level.EXACT) {
                replacement = keepFileTextOfContextLines(lines.subList(start, start + pattern.size()), pattern,
                        replacement);
            }
            replacements.add(new Replacement(start, pattern.size(), replacement));
            searchFrom = start + pattern.size();
        }
        replacements.sort(Comparator.comparingInt(Replacement::start)); // stable: same-place additions keep order
        for (int i = 1; i < replacements.size(); i++) {
            Replacement previous = replacements.get(i - 1);
            if (replacements.get(i).start() < previous.start() + previous.oldCount()) {
                throw new PatchApplyException(displayPath, "Failed to apply the patch to " + displayPath
                        + ": two chunks change the same lines of the file. Merge them into one chunk.");
            }
        }
        return replacements;
    }

    /**
     * After a whitespace- or punctuation-tolerant match, the context lines of the chunk (in both its old and new
     * lines) are written back as they are in the file, so only the lines the patch changes take the patch's text.
     */
    private static List<String> keepFileTextOfContextLines(List<String> fileLines, List<String> pattern,
                                                           List<String> replacement) {
        int[] replacementToPattern = LineAlignment.align(pattern, replacement);
        if (replacementToPattern == null) {
            return replacement;
        }
        List<String> kept = new ArrayList<>(replacement.size());
        for (int j = 0; j < replacement.size(); j++) {
            int patternIndex = replacementToPattern[j];
            kept.add(patternIndex >= 0 ? fileLines.get(patternIndex) : replacement.get(j));
        }
        return kept;
    }

    private static String notFoundMessage(String displayPath, UpdateChunk chunk, int searchFrom) {
        StringBuilder message = new StringBuilder("Failed to apply the chunk at patch line ")
                .append(chunk.lineNumber()).append(" to ").append(displayPath).append(": these lines were not found")
                .append(chunk.endOfFile() ? " at the end of the file" : "")
                .append(searchFrom > 0 ? " below line " + searchFrom : "")
                .append(" (even ignoring whitespace and typographic punctuation):\n");
        for (String line : chunk.oldLines()) {
            message.append(line).append('\n');
        }
        message.append("Context (' ') and removed ('-') lines must match the file's current content, in order. "
                + "Re-read the file and regenerate the patch.");
        return message.toString();
    }
}

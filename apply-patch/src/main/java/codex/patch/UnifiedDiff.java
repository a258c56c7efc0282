package codex.patch;

import java.util.ArrayList;
import java.util.List;

/**
 * Builds unified diff hunks ({@code @@ -a,b +c,d @@} and ' '/'-'/'+' lines, no file headers) for an update. The
 * edit script comes from the replacements the chunks produced, refined by a line LCS inside each replacement, so
 * the cost depends on the size of the chunks, not of the file.
 */
final class UnifiedDiff {
    /** Unchanged lines shown around each change; Codex shows one. */
    static final int CONTEXT_LINES = 1;
    private static final String NO_NEWLINE = "\\ No newline at end of file";

    private record Op(char kind, String text, boolean missingNewline) {
    }

    private UnifiedDiff() {
    }

    static String fromReplacements(List<String> oldLines, boolean oldEndsWithLineBreak,
                                   List<ChunkApplier.Replacement> replacements) {
        List<Op> ops = new ArrayList<>();
        int next = 0;
        for (ChunkApplier.Replacement r : replacements) {
            for (; next < r.start(); next++) {
                ops.add(new Op(' ', oldLines.get(next), false));
            }
            diffSegment(oldLines.subList(r.start(), r.start() + r.oldCount()), r.newLines(), ops);
            next = r.start() + r.oldCount();
        }
        for (; next < oldLines.size(); next++) {
            ops.add(new Op(' ', oldLines.get(next), false));
        }
        if (!oldEndsWithLineBreak && !oldLines.isEmpty()) {
            markMissingFinalNewline(ops);
        }
        return render(ops);
    }

    /** The new text always ends with a line break, so an old last line without one has changed even if equal. */
    private static void markMissingFinalNewline(List<Op> ops) {
        for (int i = ops.size() - 1; i >= 0; i--) {
            Op op = ops.get(i);
            if (op.kind() == '+') {
                continue;
            }
            if (op.kind() == '-') {
                ops.set(i, new Op('-', op.text(), true));
            } else {
                ops.set(i, new Op('-', op.text(), true));
                ops.add(i + 1, new Op('+', op.text(), false));
            }
            return;
        }
    }

    private static void diffSegment(List<String> before, List<String> after, List<Op> ops) {
        int[] afterToBefore = LineAlignment.align(before, after);
        if (afterToBefore == null) {
            before.forEach(line -> ops.add(new Op('-', line, false)));
            after.forEach(line -> ops.add(new Op('+', line, false)));
            return;
        }
        // Between two aligned lines, removed lines are listed before added ones, as diff tools do.
        int i = 0;
        int pendingFrom = 0;
        for (int j = 0; j <= after.size(); j++) {
            int match = j < after.size() ? afterToBefore[j] : before.size();
            if (match < 0) {
                continue;
            }
            while (i < match) {
                ops.add(new Op('-', before.get(i++), false));
            }
            for (int k = pendingFrom; k < j; k++) {
                ops.add(new Op('+', after.get(k), false));
            }
            pendingFrom = j + 1;
            if (j < after.size()) {
                ops.add(new Op(' ', before.get(i++), false));
            }
        }
    }

    private static String render(List<Op> ops) {
        StringBuilder out = new StringBuilder();
        int[] oldBefore = new int[ops.size() + 1]; // old lines before op i
        int[] newBefore = new int[ops.size() + 1];
        for (int i = 0; i < ops.size(); i++) {
            char kind = ops.get(i).kind();
            oldBefore[i + 1] = oldBefore[i] + (kind == '+' ? 0 : 1);
            newBefore[i + 1] = newBefore[i] + (kind == '-' ? 0 : 1);
        }
        int i = 0;
        while (true) {
            int firstChange = i;
            while (firstChange < ops.size() && ops.get(firstChange).kind() == ' ') {
                firstChange++;
            }
            if (firstChange == ops.size()) {
                break;
            }
            int lastChange = firstChange;
            for (int j = firstChange + 1; j < ops.size() && j - lastChange - 1 <= 2 * CONTEXT_LINES; j++) {
                if (ops.get(j).kind() != ' ') {
                    lastChange = j;
                }
            }
            int start = Math.max(i, firstChange - CONTEXT_LINES);
            int stop = Math.min(ops.size(), lastChange + 1 + CONTEXT_LINES);
            out.append("@@ -").append(range(oldBefore[start], oldBefore[stop] - oldBefore[start]))
                    .append(" +").append(range(newBefore[start], newBefore[stop] - newBefore[start]))
                    .append(" @@\n");
            for (int k = start; k < stop; k++) {
                Op op = ops.get(k);
                out.append(op.kind()).append(op.text()).append('\n');
                if (op.missingNewline()) {
                    out.append(NO_NEWLINE).append('\n');
                }
            }
            i = stop;
        }
        return out.toString();
    }

    /** GNU style: "start,count", "start" when count is 1, and the line before the range when count is 0. */
    private static String range(int linesBefore, int count) {
        if (count == 1) {
            return Integer.toString(linesBefore + 1);
        }
        return (count == 0 ? linesBefore : linesBefore + 1) + "," + count;
    }
}

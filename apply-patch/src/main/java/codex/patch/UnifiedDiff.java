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
    /** Above this many line pairs a replacement is shown as all removed then all added, to bound time and memory. */
    private static final long MAX_LCS_CELLS = 4_000_000L;
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
        int n = before.size();
        int m = after.size();
        if ((long) n * m > MAX_LCS_CELLS) {
            before.forEach(line -> ops.add(new Op('-', line, false)));
            after.forEach(line -> ops.add(new Op('+', line, false)));
            return;
        }
        // lcs[i][j] = length of the longest common subsequence of before[i..] and after[j..]
        int[][] lcs = new int[n + 1][m + 1];
        for (int i = n - 1; i >= 0; i--) {
            for (int j = m - 1; j >= 0; j--) {
                lcs[i][j] = before.get(i).equals(after.get(j))
                        ? lcs[i + 1][j + 1] + 1
                        : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
            }
        }
        int i = 0;
        int j = 0;
        while (i < n || j < m) {
            if (i < n && j < m && before.get(i).equals(after.get(j))) {
                ops.add(new Op(' ', before.get(i++), false));
                j++;
            } else if (j < m && (i == n || lcs[i][j + 1] > lcs[i + 1][j])) {
                ops.add(new Op('+', after.get(j++), false));
            } else {
                ops.add(new Op('-', before.get(i++), false));
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

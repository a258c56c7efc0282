package codex.patch;

import java.util.Arrays;
import java.util.List;

/** Longest-common-subsequence alignment of two short line lists. */
final class LineAlignment {
    /** Above this many line pairs no alignment is computed, to bound time and memory. */
    static final long MAX_CELLS = 4_000_000L;

    private LineAlignment() {
    }

    /**
     * For each index of {@code after}, the index of the equal line of {@code before} it is aligned with, or -1 when
     * it has none (an added line). Null when the lists are too large to align.
     */
    static int[] align(List<String> before, List<String> after) {
        int n = before.size();
        int m = after.size();
        if ((long) n * m > MAX_CELLS) {
            return null;
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
        int[] afterToBefore = new int[m];
        Arrays.fill(afterToBefore, -1);
        int i = 0;
        int j = 0;
        while (i < n && j < m) {
            if (before.get(i).equals(after.get(j))) {
                afterToBefore[j++] = i++;
            } else if (lcs[i][j + 1] > lcs[i + 1][j]) {
                j++;
            } else {
                i++;
            }
        }
        return afterToBefore;
    }
}

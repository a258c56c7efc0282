package codex.patch;

import java.nio.file.Path;
import java.util.List;

/**
 * Outcome of {@link PatchApplier#apply}: the changes that were written, in order, and the error that stopped the
 * rest (null on success). Codex does not roll back: changes written before a failure stay on disk.
 *
 * @param cwd     the directory relative patch paths were resolved against (summaries print paths relative to it)
 * @param applied changes fully written to disk
 * @param failure why applying stopped, or null when every operation was applied
 */
public record ApplyResult(Path cwd, List<FileChange> applied, PatchException failure) {

    public ApplyResult {
        applied = List.copyOf(applied);
    }

    public boolean succeeded() {
        return failure == null;
    }

    /** What Codex prints on success: "Success. Updated the following files:" then A, M, D lines, grouped by kind. */
    public String summary() {
        return "Success. Updated the following files:\n" + changeLines();
    }

    /** The error, then (when some operations had already been written) which changes were kept. */
    public String failureReport() {
        if (failure == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(failure.getMessage()).append('\n');
        if (!applied.isEmpty()) {
            out.append("These changes were applied before the failure and were kept:\n").append(changeLines());
        } else {
            out.append("No files were changed.\n");
        }
        return out.toString();
    }

    private String changeLines() {
        StringBuilder out = new StringBuilder();
        for (FileChange.Kind kind : List.of(FileChange.Kind.ADD, FileChange.Kind.UPDATE, FileChange.Kind.DELETE)) {
            for (FileChange change : applied) {
                if (change.kind() == kind) {
                    out.append(change.summaryLetter()).append(' ').append(display(change.finalPath())).append('\n');
                }
            }
        }
        return out.toString();
    }

    private String display(Path path) {
        return cwd != null && path.startsWith(cwd) && !path.equals(cwd) ? cwd.relativize(path).toString()
                : path.toString();
    }
}

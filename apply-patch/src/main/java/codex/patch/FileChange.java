package codex.patch;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * What a patch does to one file, computed before (or while) writing it: what approvals and events show.
 *
 * @param kind            ADD, DELETE or UPDATE
 * @param path            the file, absolute and normalised (resolved against the cwd when the patch path is relative)
 * @param movePath        UPDATE with {@code *** Move to:}: the destination, absolute and normalised; otherwise null
 * @param unifiedDiff     UPDATE: unified diff hunks ({@code @@ -a,b +c,d @@}, no file header lines);
 *                        ADD: the full new content; DELETE: the full content being deleted
 * @param newContent      the content written (to {@code movePath} when set); null for DELETE
 * @param originalContent the content before the change; null for ADD of a file that did not exist
 */
public record FileChange(Kind kind, Path path, Path movePath, String unifiedDiff, String newContent,
                         String originalContent) {

    public enum Kind {
        ADD, DELETE, UPDATE
    }

    public FileChange {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(path, "path");
        if (movePath != null && kind != Kind.UPDATE) {
            throw new IllegalArgumentException("only an UPDATE can move a file");
        }
        if ((newContent == null) != (kind == Kind.DELETE)) {
            throw new IllegalArgumentException("newContent must be null exactly for DELETE");
        }
    }

    /** Where the file's content ends up: {@code movePath} when moved, else {@code path}. */
    public Path finalPath() {
        return movePath != null ? movePath : path;
    }

    /** Every path this change writes or deletes. */
    public List<Path> touchedPaths() {
        return movePath != null ? List.of(path, movePath) : List.of(path);
    }

    /** The summary letter Codex prints: A (added), M (updated or moved), D (deleted). */
    public char summaryLetter() {
        return switch (kind) {
            case ADD -> 'A';
            case UPDATE -> 'M';
            case DELETE -> 'D';
        };
    }
}

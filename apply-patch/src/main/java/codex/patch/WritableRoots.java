package codex.patch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Decides whether paths a patch touches lie inside the writable roots. Paths are compared after resolving
 * {@code ..} and every symbolic link the path goes through (including a final link, even a dangling one, since a
 * write follows it), so neither can lead outside a root.
 */
public final class WritableRoots {
    /** Same bound as Linux's MAXSYMLINKS: more links than this in one path is treated as a loop. */
    private static final int MAX_LINKS = 40;

    private WritableRoots() {
    }

    /** Every path the patch writes or deletes (Move to destinations included), resolved against {@code cwd}. */
    public static List<Path> touchedPaths(Patch patch, Path cwd) throws PatchApplyException {
        Set<Path> touched = new LinkedHashSet<>();
        for (PatchOperation operation : patch.operations()) {
            touched.add(PatchPlanner.resolve(cwd, operation.path()));
            if (operation instanceof PatchOperation.UpdateFile update && update.movePath() != null) {
                touched.add(PatchPlanner.resolve(cwd, update.movePath()));
            }
        }
        return new ArrayList<>(touched);
    }

    /**
     * The paths (as given) that are not inside any root. An empty or null {@code roots} list means no restriction.
     *
     * @param roots absolute directories that may be written
     */
    public static List<Path> outside(Collection<Path> paths, List<Path> roots) {
        if (roots == null || roots.isEmpty()) {
            return List.of();
        }
        List<Path> canonicalRoots = new ArrayList<>();
        for (Path root : roots) {
            if (!root.isAbsolute()) {
                throw new IllegalArgumentException("writable root must be an absolute path: " + root);
            }
            canonicalRoots.add(canonicalize(root));
        }
        List<Path> refused = new ArrayList<>();
        for (Path path : paths) {
            Path real = canonicalize(path.toAbsolutePath());
            if (real == null || canonicalRoots.stream().noneMatch(root -> root != null && real.startsWith(root))) {
                refused.add(path);
            }
        }
        return refused;
    }

    /**
     * Refuses the whole patch when any path it touches is outside the roots; nothing has been written yet when this
     * is called.
     */
    public static void check(Patch patch, Path cwd, List<Path> roots) throws PatchApplyException {
        List<Path> refused = outside(touchedPaths(patch, cwd), roots);
        if (!refused.isEmpty()) {
            Path first = refused.get(0);
            Path real = canonicalize(first);
            throw new PatchApplyException(first.toString(), "Refused to apply the patch: " + first
                    + (real != null && !real.equals(first) ? " (which resolves to " + real + ")" : "")
                    + " is outside the writable roots " + roots + ". No files were changed."
                    + (refused.size() > 1 ? " Also outside: " + refused.subList(1, refused.size()) + "." : ""));
        }
    }

    /**
     * The real location of an absolute path, as the file system would see it when writing: {@code ..} applies to the
     * real parent and symbolic links are followed. Components that do not exist yet are kept as written. Returns
     * null for a symbolic link loop, which can never be written through.
     */
    public static Path canonicalize(Path absolute) {
        return canonicalize(absolute, new int[] {0});
    }

    private static Path canonicalize(Path absolute, int[] linksFollowed) {
        Path current = absolute.getRoot();
        for (Path name : absolute) {
            String part = name.toString();
            if (part.equals(".") || part.isEmpty()) {
                continue;
            }
            if (part.equals("..")) {
                Path parent = current.getParent();
                current = parent != null ? parent : current;
                continue;
            }
            Path next = current.resolve(part);
            if (Files.isSymbolicLink(next)) {
                if (++linksFollowed[0] > MAX_LINKS) {
                    return null;
                }
                Path target;
                try {
                    target = Files.readSymbolicLink(next);
                } catch (IOException e) {
                    return null;
                }
                // Relative link targets are relative to the directory holding the link, which is `current`.
                next = canonicalize(current.resolve(target), linksFollowed);
                if (next == null) {
                    return null;
                }
            }
            current = next;
        }
        return current;
    }
}

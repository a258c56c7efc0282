package codex.execpolicy;

import java.nio.file.Path;

/** Whether a path lies inside a directory, compared name by name so that /a/bc is not inside /a/b. */
public final class PathContainment {

    private PathContainment() {
    }

    /**
     * Lexical test: both paths are normalised first, so {@code /root/x/../../etc} is not inside
     * {@code /root}. Symbolic links are NOT followed; pass both through {@link #canonicalize} first
     * when a link inside the root could point outside it.
     *
     * @throws IllegalArgumentException if either path is relative (resolve it against the cwd first)
     */
    public static boolean isInside(Path path, Path root) {
        requireAbsolute(path, "path");
        requireAbsolute(root, "root");
        return path.normalize().startsWith(root.normalize());
    }

    /** Whether {@code path} is inside at least one of {@code roots}. */
    public static boolean isInsideAny(Path path, Iterable<Path> roots) {
        for (Path root : roots) {
            if (isInside(path, root)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The path with every symbolic link in its existing part resolved: the longest existing
     * ancestor is replaced by its real path and the names that do not exist yet (a file a patch
     * is about to create) are appended unchanged. Reads the file system but never writes it.
     */
    public static Path canonicalize(Path path) {
        requireAbsolute(path, "path");
        // one notion of "where a write really goes", shared with the patch applier's root check
        Path real = codex.patch.WritableRoots.canonicalize(path);
        // null means a link loop: nothing can be written through it, so the lexical form is as good as any
        return real != null ? real : path.normalize();
    }

    static void requireAbsolute(Path path, String what) {
        if (path == null) {
            throw new IllegalArgumentException(what + " must not be null");
        }
        if (!path.isAbsolute()) {
            throw new IllegalArgumentException(what + " must be absolute, got '" + path
                    + "'; resolve it against the working directory first");
        }
    }
}

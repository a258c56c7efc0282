package codex.execpolicy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;

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
        // Not normalised first: the kernel resolves ".." after following links, and so must we.
        return canonicalize(path, MAX_LINK_HOPS);
    }

    /** Same bound as Linux's ELOOP limit: a longer chain fails to open anyway. */
    private static final int MAX_LINK_HOPS = 40;

    private static Path canonicalize(Path path, int hopsLeft) {
        Path existing = path;
        Deque<Path> missingNames = new ArrayDeque<>();
        while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
            missingNames.push(existing.getFileName());
            existing = existing.getParent();
        }
        if (existing == null) {
            return path.normalize();
        }
        Path real;
        try {
            real = existing.toRealPath();
        } catch (IOException e) {
            real = followDanglingLink(existing, hopsLeft);
        }
        while (!missingNames.isEmpty()) {
            real = real.resolve(missingNames.pop());
        }
        return real.normalize();
    }

    /**
     * toRealPath fails on a link whose target does not exist yet, but writing to such a link
     * creates the target, so the target is where the write really goes.
     */
    private static Path followDanglingLink(Path existing, int hopsLeft) {
        if (hopsLeft > 0 && Files.isSymbolicLink(existing)) {
            try {
                Path directory = existing.getParent().toRealPath();
                return canonicalize(directory.resolve(Files.readSymbolicLink(existing)), hopsLeft - 1);
            } catch (IOException | UnsupportedOperationException e) {
                // fall through: unreadable link
            }
        }
        // A link loop or an unreadable directory: nothing can be written through it either, so the
        // lexical form is as good as any.
        return existing;
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

package codex.execpolicy;

import codex.protocol.SandboxPermission;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * The directories a set of sandbox permissions lets the agent write to.
 *
 * @param everything true when {@code disk-full-write-access} was granted: every path is writable
 *                   and {@code roots} lists only the other grants
 * @param roots      absolute, normalised, without duplicates, in the order the permissions gave them
 * @param readOnlyMetadata {@code disk-read-only-metadata-folders}: {@code .git} and {@code .codex} directly inside a
 *                   root are not writable
 */
public record WritableRoots(boolean everything, List<Path> roots, boolean readOnlyMetadata) {

    /** The metadata folders kept read-only inside each root under {@code disk-read-only-metadata-folders}. */
    public static final List<String> METADATA_FOLDERS = List.of(".git", ".codex");

    public WritableRoots(boolean everything, List<Path> roots) {
        this(everything, roots, false);
    }

    public WritableRoots {
        roots = List.copyOf(roots);
        for (Path root : roots) {
            PathContainment.requireAbsolute(root, "writable root");
        }
    }

    /** Explicit roots, as a sandbox with no full-write grant would have. */
    public static WritableRoots of(Collection<Path> roots) {
        return new WritableRoots(false, normalizeAll(roots));
    }

    public static WritableRoots allPaths() {
        return new WritableRoots(true, List.of());
    }

    /**
     * The writable roots that {@code permissions} grant: {@code disk-write-cwd} gives {@code cwd};
     * {@code disk-write-platform-user-temp-folder} gives {@code $TMPDIR} when it is set to an absolute
     * path (otherwise nothing); {@code disk-write-platform-global-temp-folder} gives {@code /tmp};
     * {@code disk-write-folder=PATH} gives PATH, resolved against {@code cwd} when relative;
     * {@code disk-full-write-access} makes {@link #everything()} true. Read and network grants add nothing.
     *
     * @param cwd the session's working directory; must be absolute
     * @param env the environment the commands will run with (only TMPDIR is read)
     */
    public static WritableRoots fromPermissions(List<SandboxPermission> permissions, Path cwd, Map<String, String> env) {
        PathContainment.requireAbsolute(cwd, "cwd");
        boolean everything = false;
        boolean readOnlyMetadata = false;
        List<Path> roots = new ArrayList<>();
        for (SandboxPermission permission : permissions) {
            switch (permission.kind()) {
                case DISK_WRITE_CWD -> roots.add(cwd);
                case DISK_WRITE_PLATFORM_USER_TEMP_FOLDER -> {
                    String tmpdir = env.get("TMPDIR");
                    // A relative TMPDIR would silently grant a directory under cwd; ignore it instead.
                    if (tmpdir != null && !tmpdir.isBlank() && Path.of(tmpdir).isAbsolute()) {
                        roots.add(Path.of(tmpdir));
                    }
                }
                case DISK_WRITE_PLATFORM_GLOBAL_TEMP_FOLDER -> roots.add(Path.of("/tmp"));
                case DISK_WRITE_FOLDER -> roots.add(cwd.resolve(permission.folder()));
                case DISK_FULL_WRITE_ACCESS -> everything = true;
                case DISK_READ_ONLY_METADATA_FOLDERS -> readOnlyMetadata = true;
                case DISK_FULL_READ_ACCESS, NETWORK_FULL_ACCESS -> {
                    // grants no write access
                }
            }
        }
        return new WritableRoots(everything, normalizeAll(roots), readOnlyMetadata && !everything);
    }

    /** Whether {@code path} (absolute) may be written: lexical comparison, see {@link PathContainment#isInside}. */
    public boolean isWritable(Path path) {
        PathContainment.requireAbsolute(path, "path");
        if (everything) {
            return true;
        }
        if (readOnlyMetadata) {
            for (Path root : roots) {
                for (String name : METADATA_FOLDERS) {
                    if (PathContainment.isInside(path, root.resolve(name))) {
                        return false;
                    }
                }
            }
        }
        return PathContainment.isInsideAny(path, roots);
    }

    private static List<Path> normalizeAll(Collection<Path> roots) {
        List<Path> out = new ArrayList<>();
        for (Path root : roots) {
            PathContainment.requireAbsolute(root, "writable root");
            Path normalized = root.normalize();
            if (!out.contains(normalized)) {
                out.add(normalized);
            }
        }
        return out;
    }
}

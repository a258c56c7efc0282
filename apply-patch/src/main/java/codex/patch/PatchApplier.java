package codex.patch;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Writes a patch to disk. Operations are applied one at a time, in order, each computed from the files as they are
 * at that moment (like Codex's apply_patch). When one fails, the ones before it stay applied and the result says
 * which; call {@link PatchPlanner#plan} first for an all-or-nothing check.
 */
public final class PatchApplier {

    private PatchApplier() {
    }

    /**
     * Parses and applies patch text. A parse error is reported in the result, with nothing written.
     */
    public static ApplyResult apply(String patchText, Path cwd, List<Path> writableRoots) {
        Path base = cwd.toAbsolutePath().normalize();
        Patch patch;
        try {
            patch = Patch.parse(patchText);
        } catch (PatchParseException e) {
            return new ApplyResult(base, List.of(), e);
        }
        return apply(patch, base, writableRoots);
    }

    /**
     * Applies the patch.
     *
     * @param cwd           directory relative patch paths resolve against
     * @param writableRoots absolute directories that may be written; when any touched path (Move to destinations and
     *                      deletes included) resolves outside all of them, nothing is written. Null or empty: no
     *                      restriction.
     */
    public static ApplyResult apply(Patch patch, Path cwd, List<Path> writableRoots) {
        Objects.requireNonNull(patch, "patch");
        Path base = cwd.toAbsolutePath().normalize();
        try {
            WritableRoots.check(patch, base, writableRoots);
        } catch (PatchApplyException e) {
            return new ApplyResult(base, List.of(), e);
        }
        List<FileChange> applied = new ArrayList<>();
        for (PatchOperation operation : patch.operations()) {
            try {
                FileChange change = PatchPlanner.planOne(operation, base, PatchPlanner.DISK);
                write(change, operation);
                applied.add(change);
            } catch (PatchApplyException e) {
                return new ApplyResult(base, applied, e);
            }
        }
        return new ApplyResult(base, applied, null);
    }

    private static void write(FileChange change, PatchOperation operation) throws PatchApplyException {
        String display = operation.path();
        try {
            switch (change.kind()) {
                case ADD -> writeFile(change.path(), change.newContent());
                case DELETE -> Files.delete(change.path());
                case UPDATE -> {
                    writeFile(change.finalPath(), change.newContent());
                    if (change.movePath() != null) {
                        copyPermissions(change.path(), change.movePath());
                        Files.delete(change.path());
                    }
                }
            }
        } catch (IOException e) {
            throw new PatchApplyException(display, "Failed to write the change to " + display + " (patch line "
                    + operation.lineNumber() + "): " + PatchPlanner.describe(e)
                    + (change.movePath() != null ? ". The move to " + change.movePath() + " may be incomplete." : ""),
                    e);
        }
    }

    private static void writeFile(Path file, String content) throws IOException {
        Path parent = file.getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.write(file, content.getBytes(StandardCharsets.UTF_8));
    }

    /** Keeps e.g. the executable bit of a moved script; best effort, POSIX file systems only. */
    private static void copyPermissions(Path from, Path to) {
        try {
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(from);
            Files.setPosixFilePermissions(to, permissions);
        } catch (IOException | UnsupportedOperationException e) {
            // The content is what matters; default permissions are an acceptable fallback.
        }
    }
}

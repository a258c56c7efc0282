package codex.patch;

import codex.patch.PatchOperation.AddFile;
import codex.patch.PatchOperation.DeleteFile;
import codex.patch.PatchOperation.UpdateFile;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** Computes the {@link FileChange}s of a patch from the current files. Never writes anything. */
public final class PatchPlanner {

    private PatchPlanner() {
    }

    /**
     * Plans every operation in order, each seeing the effect of the ones before it (an Update may follow the Add of
     * the same file), without touching the disk.
     *
     * @param cwd directory that relative patch paths resolve against
     * @throws PatchApplyException at the first operation that cannot be applied, naming its file
     */
    public static List<FileChange> plan(Patch patch, Path cwd) throws PatchApplyException {
        Objects.requireNonNull(patch, "patch");
        Path base = cwd.toAbsolutePath().normalize();
        PlannedFiles files = new PlannedFiles();
        List<FileChange> changes = new ArrayList<>();
        for (PatchOperation operation : patch.operations()) {
            FileChange change = planOne(operation, base, files);
            files.record(change);
            changes.add(change);
        }
        return changes;
    }

    /** Resolves a path as written in the patch against {@code cwd} (absolute paths stay as they are). */
    public static Path resolve(Path cwd, String patchPath) throws PatchApplyException {
        try {
            return cwd.toAbsolutePath().resolve(patchPath).normalize();
        } catch (InvalidPathException e) {
            throw new PatchApplyException(patchPath, "'" + patchPath + "' is not a valid file path: " + e.getReason());
        }
    }

    /** The current content of files, as the operations planned so far left them. */
    interface FileView {
        /** @return the text, or null when there is no such file */
        String read(Path file, String displayPath, int patchLine, boolean requireUtf8) throws PatchApplyException;

        boolean isDirectory(Path file);
    }

    static FileChange planOne(PatchOperation operation, Path cwd, FileView files) throws PatchApplyException {
        String display = operation.path();
        Path path = resolve(cwd, display);
        int line = operation.lineNumber();
        if (operation instanceof AddFile add) {
            if (files.isDirectory(path)) {
                throw new PatchApplyException(display, "Cannot add " + display + " (patch line " + line
                        + "): a directory with that name exists.");
            }
            String existing = files.read(path, display, line, false);
            return new FileChange(FileChange.Kind.ADD, path, null, add.contents(), add.contents(), existing);
        }
        if (operation instanceof DeleteFile) {
            if (files.isDirectory(path)) {
                throw new PatchApplyException(display, "Cannot delete " + display + " (patch line " + line
                        + "): it is a directory; '*** Delete File:' only deletes files.");
            }
            String existing = files.read(path, display, line, false);
            if (existing == null) {
                throw new PatchApplyException(display, "Cannot delete " + display + " (patch line " + line
                        + "): the file does not exist.");
            }
            return new FileChange(FileChange.Kind.DELETE, path, null, existing, null, existing);
        }
        UpdateFile update = (UpdateFile) operation;
        if (files.isDirectory(path)) {
            throw new PatchApplyException(display, "Cannot update " + display + " (patch line " + line
                    + "): it is a directory.");
        }
        String existing = files.read(path, display, line, true);
        if (existing == null) {
            throw new PatchApplyException(display, "Cannot update " + display + " (patch line " + line
                    + "): the file does not exist. Use '*** Add File: " + display + "' to create it.");
        }
        Path movePath = null;
        if (update.movePath() != null) {
            movePath = resolve(cwd, update.movePath());
            if (files.isDirectory(movePath)) {
                throw new PatchApplyException(update.movePath(), "Cannot move " + display + " to "
                        + update.movePath() + " (patch line " + line + "): the destination is a directory.");
            }
            if (movePath.equals(path)) {
                movePath = null; // moving onto itself is a plain update
            }
        }
        ChunkApplier.Result result = ChunkApplier.apply(display, existing, update.chunks());
        return new FileChange(FileChange.Kind.UPDATE, path, movePath, result.unifiedDiff(), result.newContent(),
                existing);
    }

    /**
     * Reads a file as UTF-8 text; null when it does not exist. Without {@code requireUtf8} undecodable bytes become
     * U+FFFD (good enough to show a deleted or overwritten binary file).
     */
    static String readText(Path file, String displayPath, int patchLine, boolean requireUtf8)
            throws PatchApplyException {
        if (!Files.exists(file)) {
            return null;
        }
        if (!Files.isRegularFile(file)) {
            throw new PatchApplyException(displayPath, "Cannot patch " + displayPath + " (patch line " + patchLine
                    + "): it is not a regular file.");
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new PatchApplyException(displayPath, "Cannot read " + displayPath + " (patch line " + patchLine
                    + "): " + describe(e), e);
        }
        if (!requireUtf8) {
            return new String(bytes, StandardCharsets.UTF_8);
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new PatchApplyException(displayPath, "Cannot patch " + displayPath + " (patch line " + patchLine
                    + "): it is not UTF-8 text; apply_patch only edits text files.");
        }
    }

    static String describe(IOException e) {
        String detail = e.getMessage() == null ? "" : ": " + e.getMessage();
        return e.getClass().getSimpleName() + detail;
    }

    /** Disk contents overlaid with what earlier planned operations would have written or deleted. */
    private static final class PlannedFiles implements FileView {
        /** Planned content per path; a null value means the path was deleted or moved away. */
        private final Map<Path, String> overlay = new HashMap<>();

        @Override
        public String read(Path file, String displayPath, int patchLine, boolean requireUtf8)
                throws PatchApplyException {
            if (overlay.containsKey(file)) {
                return overlay.get(file);
            }
            return readText(file, displayPath, patchLine, requireUtf8);
        }

        @Override
        public boolean isDirectory(Path file) {
            return !overlay.containsKey(file) && Files.isDirectory(file);
        }

        void record(FileChange change) {
            switch (change.kind()) {
                case ADD -> overlay.put(change.path(), change.newContent());
                case DELETE -> overlay.put(change.path(), null);
                case UPDATE -> {
                    if (change.movePath() != null) {
                        overlay.put(change.path(), null);
                    }
                    overlay.put(change.finalPath(), change.newContent());
                }
            }
        }
    }

    /** The files as they are on disk right now (used while applying, one operation at a time). */
    static final FileView DISK = new FileView() {
        @Override
        public String read(Path file, String displayPath, int patchLine, boolean requireUtf8)
                throws PatchApplyException {
            return readText(file, displayPath, patchLine, requireUtf8);
        }

        @Override
        public boolean isDirectory(Path file) {
            return Files.isDirectory(file);
        }
    };
}

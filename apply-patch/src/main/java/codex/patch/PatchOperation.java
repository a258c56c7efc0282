package codex.patch;

import java.util.List;
import java.util.Objects;

/** One file section of a patch. Paths are kept exactly as written in the patch; they are resolved when planning. */
public sealed interface PatchOperation {

    /** The path the operation starts from, as written in the patch. */
    String path();

    /** 1-based line of the operation's header in the patch text. */
    int lineNumber();

    /** {@code *** Add File: path}: create (or overwrite) the file with {@code contents}. */
    record AddFile(String path, String contents, int lineNumber) implements PatchOperation {
        public AddFile {
            Objects.requireNonNull(path, "path");
            Objects.requireNonNull(contents, "contents");
        }
    }

    /** {@code *** Delete File: path}: remove an existing regular file. */
    record DeleteFile(String path, int lineNumber) implements PatchOperation {
        public DeleteFile {
            Objects.requireNonNull(path, "path");
        }
    }

    /** {@code *** Update File: path}, optionally {@code *** Move to: movePath} (null when absent), then chunks. */
    record UpdateFile(String path, String movePath, List<UpdateChunk> chunks, int lineNumber) implements PatchOperation {
        public UpdateFile {
            Objects.requireNonNull(path, "path");
            chunks = List.copyOf(chunks);
        }
    }

    /**
     * One {@code @@} chunk of an update.
     *
     * @param contextHeaders text after each {@code @@ } marker, in order (empty for a bare {@code @@}); each is located
     *                       in the file before the chunk's lines are searched for, below it
     * @param oldLines       context and removed lines: what must be found in the file
     * @param newLines       context and added lines: what replaces them
     * @param endOfFile      the chunk ended with {@code *** End of File}: it must match at the end of the file
     * @param lineNumber     1-based line of the chunk's first line in the patch text
     */
    record UpdateChunk(List<String> contextHeaders, List<String> oldLines, List<String> newLines, boolean endOfFile,
                       int lineNumber) {
        public UpdateChunk {
            contextHeaders = List.copyOf(contextHeaders);
            oldLines = List.copyOf(oldLines);
            newLines = List.copyOf(newLines);
        }
    }
}

package codex.patch;

import codex.patch.PatchOperation.AddFile;
import codex.patch.PatchOperation.DeleteFile;
import codex.patch.PatchOperation.UpdateChunk;
import codex.patch.PatchOperation.UpdateFile;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parser for the apply_patch grammar. It follows the leniency of the Codex parser: markers may be padded with
 * whitespace, blank lines between chunks are skipped, the first chunk of an update may omit its {@code @@}, and the
 * whole text may be wrapped in a heredoc ({@code <<'EOF'} ... {@code EOF}).
 */
final class PatchParser {
    static final String BEGIN_PATCH = "*** Begin Patch";
    static final String END_PATCH = "*** End Patch";
    static final String ADD_FILE = "*** Add File: ";
    static final String DELETE_FILE = "*** Delete File: ";
    static final String UPDATE_FILE = "*** Update File: ";
    static final String MOVE_TO = "*** Move to: ";
    static final String END_OF_FILE = "*** End of File";
    static final String CHUNK_MARKER = "@@";

    private static final String VALID_HEADERS =
            "Valid headers are '*** Add File: {path}', '*** Delete File: {path}' and '*** Update File: {path}'.";
    /** First line of a heredoc-wrapped patch: {@code <<EOF}, {@code <<'EOF'}, {@code <<"EOF"}, {@code <<-EOF}. */
    private static final Pattern HEREDOC_START = Pattern.compile("<<-?\\s*(['\"]?)([A-Za-z0-9_]+)\\1");
    /** A git-style range header ({@code @@ -12,3 +12,4 @@ optional text}); the numbers carry no meaning here. */
    private static final Pattern GIT_RANGE_HEADER = Pattern.compile("-\\d+(?:,\\d+)? \\+\\d+(?:,\\d+)? @@ ?(.*)");

    private final List<String> lines;
    /** Index of the current line in {@link #lines}. */
    private int pos;
    /** Index of the {@code *** End Patch} line; the body ends before it. */
    private final int end;

    private PatchParser(List<String> lines, int bodyStart, int end) {
        this.lines = lines;
        this.pos = bodyStart;
        this.end = end;
    }

    static Patch parse(String text) throws PatchParseException {
        if (text == null) {
            throw new PatchParseException("no patch text was given", 1);
        }
        List<String> lines = splitLines(text);
        int first = 0;
        int last = lines.size() - 1;
        while (first <= last && TextLines.trim(lines.get(first)).isEmpty()) {
            first++;
        }
        while (last >= first && TextLines.trim(lines.get(last)).isEmpty()) {
            last--;
        }
        if (first > last) {
            throw new PatchParseException("the patch is empty; it must start with '" + BEGIN_PATCH
                    + "' and end with '" + END_PATCH + "'", 1);
        }
        if (!hasBoundaries(lines, first, last)) {
            Matcher heredoc = HEREDOC_START.matcher(TextLines.trim(lines.get(first)));
            if (heredoc.matches() && last - first >= 3
                    && TextLines.trim(lines.get(last)).equals(heredoc.group(2))) {
                first++;
                last--;
            }
            checkBoundaries(lines, first, last);
        }
        PatchParser parser = new PatchParser(lines, first + 1, last);
        List<PatchOperation> operations = parser.parseOperations();
        if (operations.isEmpty()) {
            throw new PatchParseException("the patch contains no file operations, so no files were modified. "
                    + VALID_HEADERS, first + 1);
        }
        return new Patch(operations);
    }

    /** Splits on LF and drops a CR before it, like Rust's {@code str::lines}. */
    private static List<String> splitLines(String text) {
        List<String> result = new ArrayList<>();
        int start = 0;
        while (start <= text.length()) {
            int newline = text.indexOf('\n', start);
            int stop = newline < 0 ? text.length() : newline;
            String line = text.substring(start, stop);
            if (line.endsWith("\r")) {
                line = line.substring(0, line.length() - 1);
            }
            result.add(line);
            if (newline < 0) {
                break;
            }
            start = newline + 1;
        }
        return result;
    }

    private static boolean hasBoundaries(List<String> lines, int first, int last) {
        return last > first
                && TextLines.trim(lines.get(first)).equals(BEGIN_PATCH)
                && TextLines.trim(lines.get(last)).equals(END_PATCH);
    }

    private static void checkBoundaries(List<String> lines, int first, int last) throws PatchParseException {
        if (!TextLines.trim(lines.get(first)).equals(BEGIN_PATCH)) {
            throw new PatchParseException("the first line of the patch must be '" + BEGIN_PATCH + "', found '"
                    + lines.get(first) + "'", first + 1);
        }
        if (last == first || !TextLines.trim(lines.get(last)).equals(END_PATCH)) {
            throw new PatchParseException("the last line of the patch must be '" + END_PATCH + "', found '"
                    + lines.get(last) + "'", last + 1);
        }
    }

    private int lineNumber() {
        return pos + 1;
    }

    private List<PatchOperation> parseOperations() throws PatchParseException {
        List<PatchOperation> operations = new ArrayList<>();
        while (pos < end) {
            String header = TextLines.trim(lines.get(pos));
            if (header.isEmpty()) {
                pos++;
                continue;
            }
            if (header.startsWith(ADD_FILE)) {
                operations.add(parseAdd(header));
            } else if (header.startsWith(DELETE_FILE)) {
                String path = pathAfter(header, DELETE_FILE);
                operations.add(new DeleteFile(path, lineNumber()));
                pos++;
            } else if (header.startsWith(UPDATE_FILE)) {
                operations.add(parseUpdate(header));
            } else {
                String hint = header.startsWith("+") && !operations.isEmpty()
                        && operations.get(operations.size() - 1) instanceof AddFile
                        ? " Every content line of an Add File section must start with '+' (a blank line ends it)."
                        : "";
                throw new PatchParseException("'" + lines.get(pos) + "' is not a valid file operation header. "
                        + VALID_HEADERS + hint, lineNumber());
            }
        }
        return operations;
    }

    private String pathAfter(String header, String marker) throws PatchParseException {
        String path = TextLines.trim(header.substring(marker.length()));
        if (path.isEmpty()) {
            throw new PatchParseException("'" + TextLines.trim(marker) + "' needs a file path after it", lineNumber());
        }
        return path;
    }

    private AddFile parseAdd(String header) throws PatchParseException {
        int headerLine = lineNumber();
        String path = pathAfter(header, ADD_FILE);
        pos++;
        StringBuilder contents = new StringBuilder();
        while (pos < end && lines.get(pos).startsWith("+")) {
            contents.append(lines.get(pos), 1, lines.get(pos).length()).append('\n');
            pos++;
        }
        return new AddFile(path, contents.toString(), headerLine);
    }

    private UpdateFile parseUpdate(String header) throws PatchParseException {
        int headerLine = lineNumber();
        String path = pathAfter(header, UPDATE_FILE);
        pos++;
        String movePath = null;
        if (pos < end && TextLines.trim(lines.get(pos)).startsWith(MOVE_TO)) {
            movePath = pathAfter(TextLines.trim(lines.get(pos)), MOVE_TO);
            pos++;
        }
        List<UpdateChunk> chunks = new ArrayList<>();
        while (pos < end) {
            String line = lines.get(pos);
            String trimmed = TextLines.trim(line);
            if (trimmed.isEmpty()) {
                pos++;
                continue;
            }
            if (line.startsWith("***") || isFileOperationHeader(trimmed)) {
                break;
            }
            chunks.add(parseChunk(path, chunks.isEmpty()));
        }
        if (chunks.isEmpty()) {
            throw new PatchParseException("the Update File section for '" + path + "' has no changes; add at least "
                    + "one '@@' chunk with ' ' (context), '-' (removed) and '+' (added) lines", headerLine);
        }
        return new UpdateFile(path, movePath, chunks, headerLine);
    }

    private static boolean isFileOperationHeader(String trimmed) {
        return trimmed.startsWith(ADD_FILE) || trimmed.startsWith(DELETE_FILE) || trimmed.startsWith(UPDATE_FILE);
    }

    private UpdateChunk parseChunk(String path, boolean firstChunk) throws PatchParseException {
        int chunkLine = lineNumber();
        List<String> contextHeaders = new ArrayList<>();
        boolean sawMarker = false;
        // Several '@@ header' lines in a row narrow the search step by step (class, then method).
        while (pos < end) {
            String marker = TextLines.trimEnd(lines.get(pos));
            if (marker.equals(CHUNK_MARKER)) {
                sawMarker = true;
            } else if (marker.startsWith(CHUNK_MARKER + " ")) {
                sawMarker = true;
                String header = lines.get(pos).substring(CHUNK_MARKER.length() + 1);
                Matcher gitRange = GIT_RANGE_HEADER.matcher(TextLines.trimEnd(header));
                if (gitRange.matches()) {
                    header = gitRange.group(1);
                }
                if (!TextLines.trim(header).isEmpty()) {
                    contextHeaders.add(header);
                }
            } else {
                break;
            }
            pos++;
        }
        if (!sawMarker && !firstChunk) {
            throw new PatchParseException("expected '@@' to start the next chunk of '" + path + "', found '"
                    + lines.get(pos) + "'. Every line in a chunk must start with ' ' (context), '+' (added) or '-' "
                    + "(removed)", lineNumber());
        }
        List<String> oldLines = new ArrayList<>();
        List<String> newLines = new ArrayList<>();
        boolean endOfFile = false;
        int parsed = 0;
        while (pos < end) {
            String line = lines.get(pos);
            if (TextLines.trim(line).equals(END_OF_FILE)) {
                if (parsed == 0) {
                    throw new PatchParseException("the chunk of '" + path + "' has no lines before '"
                            + END_OF_FILE + "'", lineNumber());
                }
                endOfFile = true;
                pos++;
                break;
            }
            if (line.isEmpty()) {
                // An empty line inside a chunk is an empty context line whose leading space got lost.
                oldLines.add("");
                newLines.add("");
            } else {
                char kind = line.charAt(0);
                String content = line.substring(1);
                if (kind == ' ') {
                    oldLines.add(content);
                    newLines.add(content);
                } else if (kind == '-') {
                    oldLines.add(content);
                } else if (kind == '+') {
                    newLines.add(content);
                } else if (parsed == 0) {
                    throw new PatchParseException("unexpected line in the chunk of '" + path + "': '" + line
                            + "'. Every line in a chunk must start with ' ' (context), '+' (added) or '-' (removed)",
                            lineNumber());
                } else {
                    break; // the next chunk or file operation starts here
                }
            }
            parsed++;
            pos++;
        }
        if (parsed == 0) {
            throw new PatchParseException("the chunk of '" + path + "' has no lines", chunkLine);
        }
        return new UpdateChunk(contextHeaders, oldLines, newLines, endOfFile, chunkLine);
    }
}

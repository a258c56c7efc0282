package codex.patch;

import java.util.List;

/** A parsed apply_patch text: the file operations in the order they appear (and are applied). Never empty. */
public record Patch(List<PatchOperation> operations) {

    public Patch {
        operations = List.copyOf(operations);
        if (operations.isEmpty()) {
            throw new IllegalArgumentException("a patch needs at least one file operation");
        }
    }

    /**
     * Parses apply_patch text ({@code *** Begin Patch} ... {@code *** End Patch}, optionally wrapped in a
     * {@code <<'EOF'} ... {@code EOF} heredoc). Reads no files.
     *
     * @throws PatchParseException with the 1-based line number of the first problem
     */
    public static Patch parse(String text) throws PatchParseException {
        return PatchParser.parse(text);
    }
}

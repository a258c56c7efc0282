package codex.patch;

/** The patch text does not follow the apply_patch grammar. {@link #lineNumber()} is 1-based in the text given to the parser. */
public final class PatchParseException extends PatchException {
    private static final long serialVersionUID = 1L;
    private final int lineNumber;

    public PatchParseException(String problem, int lineNumber) {
        super("Invalid patch (line " + lineNumber + "): " + problem);
        this.lineNumber = lineNumber;
    }

    public int lineNumber() {
        return lineNumber;
    }
}

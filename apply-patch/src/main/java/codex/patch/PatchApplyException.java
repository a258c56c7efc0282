package codex.patch;

/**
 * A well-formed patch cannot be applied to the files as they are: a file is missing, the lines to replace were not
 * found, a path is outside the writable roots, or the file system refused a write.
 */
public final class PatchApplyException extends PatchException {
    private static final long serialVersionUID = 1L;
    private final String path;

    /** @param path the file the problem is about, as written in the patch (or the resolved path when there is none). */
    public PatchApplyException(String path, String message) {
        super(message);
        this.path = path;
    }

    public PatchApplyException(String path, String message, Throwable cause) {
        super(message, cause);
        this.path = path;
    }

    /** The file the problem is about, as written in the patch. */
    public String path() {
        return path;
    }
}

package codex.patch;

/** Base class of every error the patch engine reports; the message is meant to be shown to the model or user as is. */
public abstract class PatchException extends Exception {
    private static final long serialVersionUID = 1L;

    protected PatchException(String message) {
        super(message);
    }

    protected PatchException(String message, Throwable cause) {
        super(message, cause);
    }
}

package codex.mcp.client;

/** A failure talking to an MCP server, with a message fit to show a user or a model as it is. */
public final class McpClientException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** What went wrong, so callers can decide (a start failure is reported once; a call failure goes to the model). */
    public enum Kind { START_FAILED, EXITED, TIMEOUT, PROTOCOL }

    private final Kind kind;

    public McpClientException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public McpClientException(Kind kind, String message) {
        this(kind, message, null);
    }

    public Kind kind() {
        return kind;
    }
}

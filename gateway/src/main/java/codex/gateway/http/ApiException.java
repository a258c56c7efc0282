package codex.gateway.http;

/**
 * A refusal to send to an HTTP client as it is: the status, a stable machine-readable code and a
 * message written for the client (never an exception's internals or the client's own input).
 */
public class ApiException extends RuntimeException {
    private final int status;
    private final String code;

    public ApiException(int status, String code, String message) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public static ApiException badRequest(String message) {
        return new ApiException(400, "bad_request", message);
    }

    public static ApiException notFound(String message) {
        return new ApiException(404, "not_found", message);
    }

    /** The server's ceiling ({@code [gateway.policy]}) refuses what the client asked for. */
    public static ApiException forbidden(String rule, String message) {
        return new ApiException(403, "forbidden", message + " (rule: " + rule + ")");
    }
}

package codex.mcp.server;

import codex.protocol.Event;
import codex.protocol.Submission;
import io.vertx.core.Future;
import java.util.function.Consumer;

/**
 * What the MCP server needs from Codex, the way any front end uses the gateway. Called on the
 * server's Vert.x context; events are delivered there too, each session's in order.
 * {@code principal} is who the MCP request authenticated as over HTTP (the gateway's identity),
 * null over stdio.
 */
public interface CodexSessions {

    /**
     * Opens a session with the call's settings on top of the server's config and follows its events
     * from the first. Fails with a message for the client (bad cwd, missing API key, …).
     */
    Future<String> open(Object principal, CodexToolCall call, Consumer<Event> events);

    /** Sends a submission to a session this server opened for the same principal. */
    Future<Void> submit(Object principal, String sessionId, Submission submission);

    /** The server forgets this session: stop delivering its events (the session itself goes on). */
    default void release(Object principal, String sessionId) {
    }
}

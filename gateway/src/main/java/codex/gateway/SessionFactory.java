package codex.gateway;

import codex.gateway.http.CreateSessionRequest;
import codex.protocol.SessionConfig;

/**
 * Turns an HTTP client's "new session" request into a full session config (the server's
 * config.toml plus the request's choices). Supplied by whoever runs the HTTP gateway, so the
 * gateway itself knows nothing of config files. The gateway checks the result against the
 * server's ceiling before opening the session.
 */
@FunctionalInterface
public interface SessionFactory {
    /** @throws IllegalArgumentException with a message for the client when the request cannot be served */
    SessionConfig create(CreateSessionRequest request);
}

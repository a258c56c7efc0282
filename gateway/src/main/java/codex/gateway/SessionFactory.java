package codex.gateway;

import codex.protocol.SessionConfig;
import io.vertx.core.json.JsonObject;

/**
 * Turns an HTTP client's "new session" request into a full session config (the server's
 * config.toml plus the request's choices). Supplied by whoever runs the HTTP gateway, so the
 * gateway itself knows nothing of config files.
 */
@FunctionalInterface
public interface SessionFactory {
    /**
     * @param request {@code {cwd, model?, profile?, approval_policy?, sandbox_permissions?, config?: ["key=value"]}}
     * @throws IllegalArgumentException with a message for the client when the request cannot be served
     */
    SessionConfig create(JsonObject request);
}

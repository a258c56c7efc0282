package codex.gateway.http;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The body of {@code POST /api/v1/sessions}, checked field by field: unknown fields are refused
 * with their names (a typo must not silently fall back to the server's defaults).
 *
 * @param config      {@code key=value} overrides; only keys of {@link ServerPolicy#CLIENT_CONFIG_KEYS} pass the ceiling
 * @param sandboxMode today's Codex vocabulary ({@code read-only}, {@code workspace-write},
 *                    {@code danger-full-access}), mapped onto permissions as {@code -s MODE} is; null: not asked
 */
public record CreateSessionRequest(String cwd, String model, String profile, String approvalPolicy,
                                   List<String> sandboxPermissions, List<String> config, String resumeSessionId,
                                   String sandboxMode) {
    static final Set<String> FIELDS = Set.of("cwd", "model", "profile", "approval_policy", "sandbox_permissions",
            "sandbox_mode", "config", "resume_session_id");

    public CreateSessionRequest {
        sandboxPermissions = sandboxPermissions == null ? List.of() : List.copyOf(sandboxPermissions);
        config = config == null ? List.of() : List.copyOf(config);
    }

    public CreateSessionRequest(String cwd, String model, String profile, String approvalPolicy,
                                List<String> sandboxPermissions, List<String> config, String resumeSessionId) {
        this(cwd, model, profile, approvalPolicy, sandboxPermissions, config, resumeSessionId, null);
    }

    public static CreateSessionRequest parse(JsonObject body) {
        Set<String> unknown = new TreeSet<>(body.fieldNames());
        unknown.removeAll(FIELDS);
        if (!unknown.isEmpty()) {
            throw ApiException.badRequest("unknown field(s) " + unknown + " in the session request; known: "
                    + new TreeSet<>(FIELDS));
        }
        String cwd = string(body, "cwd");
        if (cwd == null || cwd.isBlank()) {
            throw ApiException.badRequest("cwd is required: the absolute path of the folder to work in");
        }
        return new CreateSessionRequest(cwd, string(body, "model"), string(body, "profile"),
                string(body, "approval_policy"), strings(body, "sandbox_permissions"), strings(body, "config"),
                string(body, "resume_session_id"), string(body, "sandbox_mode"));
    }

    private static String string(JsonObject body, String field) {
        Object value = body.getValue(field);
        if (value == null || value instanceof String) {
            return (String) value;
        }
        throw ApiException.badRequest(field + " must be a string");
    }

    private static List<String> strings(JsonObject body, String field) {
        Object value = body.getValue(field);
        if (value == null) {
            return List.of();
        }
        if (!(value instanceof JsonArray array)) {
            throw ApiException.badRequest(field + " must be an array of strings");
        }
        List<String> out = new ArrayList<>();
        for (Object item : array) {
            if (!(item instanceof String s)) {
                throw ApiException.badRequest(field + " must be an array of strings");
            }
            out.add(s);
        }
        return out;
    }
}

package codex.mcp.server;

import codex.protocol.ApprovalPolicy;
import codex.protocol.SandboxPermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The arguments of a {@code codex} tool call, checked: everything but the prompt is optional and
 * null means "the server's config decides".
 */
public record CodexToolCall(String prompt, String model, String cwd, ApprovalPolicy approvalPolicy,
                            List<String> sandboxPermissions, Boolean disableResponseStorage) {

    /**
     * @throws IllegalArgumentException with a message for the client when an argument is missing or malformed
     */
    public static CodexToolCall parse(Map<String, Object> args) {
        Map<String, Object> a = args == null ? Map.of() : args;
        String prompt = string(a, "prompt");
        if (prompt == null || prompt.isBlank()) {
            throw new IllegalArgumentException("'prompt' is required: the task for Codex");
        }
        String policy = string(a, "approval-policy");
        List<String> permissions = null;
        Object perms = a.get("sandbox-permissions");
        if (perms != null) {
            if (!(perms instanceof List<?> list)) {
                throw new IllegalArgumentException("'sandbox-permissions' must be an array of strings");
            }
            permissions = new ArrayList<>();
            for (Object p : list) {
                if (!(p instanceof String s)) {
                    throw new IllegalArgumentException("'sandbox-permissions' must be an array of strings");
                }
                permissions.add(s);
            }
            SandboxPermission.parseAll(permissions);
            permissions = List.copyOf(permissions);
        }
        Object storage = a.get("disable-response-storage");
        if (storage != null && !(storage instanceof Boolean)) {
            throw new IllegalArgumentException("'disable-response-storage' must be a boolean");
        }
        return new CodexToolCall(prompt, string(a, "model"), string(a, "cwd"),
                policy == null ? null : ApprovalPolicy.parse(policy), permissions, (Boolean) storage);
    }

    static String string(Map<String, Object> a, String key) {
        Object v = a.get(key);
        if (v == null) {
            return null;
        }
        if (!(v instanceof String s)) {
            throw new IllegalArgumentException("'" + key + "' must be a string");
        }
        return s;
    }
}

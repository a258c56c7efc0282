package codex.gateway.http;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The {@code [gateway]} table of the server's config.toml: who may call the API
 * ({@code [[gateway.tokens]]}), what they may ask for ({@code [gateway.policy]}), and which Host
 * names and browser origins are accepted. Unknown keys are refused, not noted: a misspelt
 * {@code polcy} must not silently lift the ceiling.
 *
 * @param allowedHosts      Host header names accepted besides the loopback names (DNS-rebinding defence)
 * @param corsOrigins       browser origins allowed to call the API cross-origin; empty: CORS off
 * @param approvalTimeoutSeconds an approval request nobody answers within this is denied; 0: wait for ever
 */
public record GatewaySettings(TokenRegistry tokens, ServerPolicy policy, Set<String> allowedHosts,
                              Set<String> corsOrigins, long approvalTimeoutSeconds) {
    private static final Set<String> KEYS = Set.of("tokens", "policy", "allowed_hosts", "cors_origins",
            "approval_timeout_seconds");
    private static final Set<String> TOKEN_KEYS = Set.of("name", "token", "token_sha256", "role");
    private static final Set<String> POLICY_KEYS = Set.of("approval_policies", "sandbox_permissions",
            "workspace_roots", "models", "providers");

    public GatewaySettings {
        allowedHosts = Set.copyOf(allowedHosts);
        corsOrigins = Set.copyOf(corsOrigins);
    }

    public static GatewaySettings none() {
        return new GatewaySettings(TokenRegistry.builder().build(), ServerPolicy.UNRESTRICTED, Set.of(), Set.of(), 0);
    }

    /**
     * @param table  the {@code [gateway]} table as JSON, or null when the config has none
     * @param source where it came from, for error messages
     * @throws IllegalArgumentException naming the key and what is expected
     */
    public static GatewaySettings parse(JsonObject table, String source) {
        if (table == null) {
            return none();
        }
        String where = source + ": [gateway]";
        refuseUnknown(table, KEYS, where);
        TokenRegistry.Builder tokens = TokenRegistry.builder();
        Object tokenList = table.getValue("tokens");
        if (tokenList != null) {
            if (!(tokenList instanceof JsonArray array)) {
                throw new IllegalArgumentException(where + ": tokens must be an array of tables ([[gateway.tokens]])");
            }
            int index = 0;
            for (Object item : array) {
                index++;
                String at = source + ": [[gateway.tokens]] #" + index;
                if (!(item instanceof JsonObject entry)) {
                    throw new IllegalArgumentException(at + " must be a table with name, token (or token_sha256) and role");
                }
                refuseUnknown(entry, TOKEN_KEYS, at);
                String name = string(entry, "name", at);
                Identity.Role role;
                try {
                    role = Identity.Role.parse(entry.getString("role", "user"));
                } catch (IllegalArgumentException | ClassCastException e) {
                    throw new IllegalArgumentException(at + ": role must be \"user\" or \"admin\"");
                }
                String token = string(entry, "token", at);
                String digest = string(entry, "token_sha256", at);
                if ((token == null) == (digest == null)) {
                    throw new IllegalArgumentException(at + " (" + name + "): give exactly one of token or token_sha256");
                }
                try {
                    if (token != null) {
                        tokens.token(name, role, token);
                    } else {
                        tokens.tokenSha256(name, role, digest);
                    }
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(at + ": " + e.getMessage());
                }
            }
        }
        ServerPolicy policy = ServerPolicy.UNRESTRICTED;
        Object policyTable = table.getValue("policy");
        if (policyTable != null) {
            if (!(policyTable instanceof JsonObject p)) {
                throw new IllegalArgumentException(where + ": policy must be a table ([gateway.policy])");
            }
            String at = source + ": [gateway.policy]";
            refuseUnknown(p, POLICY_KEYS, at);
            List<String> roots = strings(p, "workspace_roots", at);
            if (roots != null) {
                for (String root : roots) {
                    if (!Path.of(root).isAbsolute()) {
                        throw new IllegalArgumentException(at + ": workspace_roots must be absolute paths, not " + root);
                    }
                }
            }
            policy = new ServerPolicy(set(strings(p, "approval_policies", at)), set(strings(p, "sandbox_permissions", at)),
                    roots == null ? null : roots.stream().map(Path::of).toList(),
                    set(strings(p, "models", at)), set(strings(p, "providers", at)));
        }
        Object timeout = table.getValue("approval_timeout_seconds");
        long approvalTimeout = 0;
        if (timeout != null) {
            if (!(timeout instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue()) || n.longValue() < 1) {
                throw new IllegalArgumentException(where + ": approval_timeout_seconds must be a whole number of"
                        + " seconds, at least 1 (leave it out to wait for ever)");
            }
            approvalTimeout = n.longValue();
        }
        List<String> hosts = strings(table, "allowed_hosts", where);
        List<String> origins = strings(table, "cors_origins", where);
        return new GatewaySettings(tokens.build(), policy, hosts == null ? Set.of() : new LinkedHashSet<>(hosts),
                origins == null ? Set.of() : new LinkedHashSet<>(origins), approvalTimeout);
    }

    private static void refuseUnknown(JsonObject table, Set<String> known, String where) {
        Set<String> unknown = new TreeSet<>(table.fieldNames());
        unknown.removeAll(known);
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException(where + ": unknown key(s) " + unknown + "; known: " + new TreeSet<>(known));
        }
    }

    private static String string(JsonObject table, String key, String where) {
        Object value = table.getValue(key);
        if (value == null || value instanceof String) {
            return (String) value;
        }
        throw new IllegalArgumentException(where + ": " + key + " must be a string");
    }

    private static List<String> strings(JsonObject table, String key, String where) {
        Object value = table.getValue(key);
        if (value == null) {
            return null;
        }
        if (value instanceof JsonArray array) {
            List<String> out = new ArrayList<>();
            for (Object item : array) {
                if (!(item instanceof String s)) {
                    throw new IllegalArgumentException(where + ": " + key + " must be an array of strings");
                }
                out.add(s);
            }
            return out;
        }
        throw new IllegalArgumentException(where + ": " + key + " must be an array of strings");
    }

    private static Set<String> set(List<String> list) {
        return list == null ? null : new LinkedHashSet<>(list);
    }
}

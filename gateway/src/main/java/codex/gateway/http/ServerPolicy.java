package codex.gateway.http;

import codex.protocol.SessionConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The server's ceiling on what an HTTP client may ask for ({@code [gateway.policy]} in the
 * server's config). Each set is what is allowed; {@code null} means the server does not restrict
 * it. The checks run twice: on the request (which config keys a client may touch at all) and on
 * the finished session config, so that a profile or a default cannot smuggle in more than allowed.
 */
public record ServerPolicy(Set<String> approvalPolicies, Set<String> sandboxPermissions,
                           List<Path> workspaceRoots, Set<String> models, Set<String> providers) {

    /**
     * Config keys a client may override with {@code config: ["key=value"]}: how the model thinks
     * and answers, never what runs programs (notify, MCP servers), where requests go (providers,
     * URLs, env keys), or what the sandbox and approvals allow (those have their own fields, checked here).
     */
    public static final Set<String> CLIENT_CONFIG_KEYS = Set.of("model", "model_reasoning_effort",
            "model_reasoning_summary", "model_max_output_tokens", "model_context_window", "hide_agent_reasoning",
            "disable_response_storage", "instructions", "project_doc_max_bytes", "history.persistence");

    private static final String READ_ONLY_METADATA = "disk-read-only-metadata-folders";

    public static final ServerPolicy UNRESTRICTED = new ServerPolicy(null, null, null, null, null);

    public ServerPolicy {
        approvalPolicies = approvalPolicies == null ? null : Set.copyOf(approvalPolicies);
        sandboxPermissions = sandboxPermissions == null ? null : Set.copyOf(sandboxPermissions);
        workspaceRoots = workspaceRoots == null ? null : workspaceRoots.stream().map(ServerPolicy::real).toList();
        models = models == null ? null : Set.copyOf(models);
        providers = providers == null ? null : Set.copyOf(providers);
    }

    /** What the client may not even ask for, whatever the server's sets say. */
    public void checkRequest(CreateSessionRequest request) {
        for (String override : request.config()) {
            int eq = override.indexOf('=');
            String key = (eq < 0 ? override : override.substring(0, eq)).trim();
            if (!CLIENT_CONFIG_KEYS.contains(key)) {
                throw ApiException.forbidden("client config keys", "a client may not set config key \"" + key
                        + "\"; allowed: " + new TreeSet<>(CLIENT_CONFIG_KEYS));
            }
        }
    }

    /** The finished session config against the server's sets. */
    public void checkSession(SessionConfig config) {
        String policy = String.valueOf(config.approvalPolicy());
        if (approvalPolicies != null && !approvalPolicies.contains(policy)) {
            throw ApiException.forbidden("gateway.policy.approval_policies", "approval policy \"" + policy
                    + "\" is not allowed on this server; allowed: " + new TreeSet<>(approvalPolicies));
        }
        for (Object permission : config.sandboxPermissions()) {
            String text = String.valueOf(permission);
            int eq = text.indexOf('=');
            String name = eq < 0 ? text : text.substring(0, eq);
            // disk-read-only-metadata-folders only narrows the others (sandbox_mode workspace-write sets it): never refused
            if (sandboxPermissions != null && !sandboxPermissions.contains(text) && !sandboxPermissions.contains(name)
                    && !READ_ONLY_METADATA.equals(text)) {
                throw ApiException.forbidden("gateway.policy.sandbox_permissions", "sandbox permission \"" + text
                        + "\" is not allowed on this server; allowed: " + new TreeSet<>(sandboxPermissions));
            }
            if (eq >= 0 && workspaceRoots != null && !underRoots(Path.of(text.substring(eq + 1)))) {
                throw ApiException.forbidden("gateway.policy.workspace_roots", "folder " + text.substring(eq + 1)
                        + " is outside the workspace roots " + workspaceRoots);
            }
        }
        if (workspaceRoots != null && !underRoots(Path.of(config.cwd()))) {
            throw ApiException.forbidden("gateway.policy.workspace_roots", "cwd " + config.cwd()
                    + " is outside the workspace roots " + workspaceRoots);
        }
        if (models != null && !models.contains(config.model())) {
            throw ApiException.forbidden("gateway.policy.models", "model \"" + config.model()
                    + "\" is not allowed on this server; allowed: " + new TreeSet<>(models));
        }
        String provider = config.provider() == null ? null : config.provider().id();
        if (providers != null && !providers.contains(provider)) {
            throw ApiException.forbidden("gateway.policy.providers", "model provider \"" + provider
                    + "\" is not allowed on this server; allowed: " + new TreeSet<>(providers));
        }
    }

    private boolean underRoots(Path path) {
        Path real = real(path);
        return workspaceRoots.stream().anyMatch(real::startsWith);
    }

    /** Symlinks resolved, so a link inside a root cannot point outside it. */
    private static Path real(Path path) {
        Path absolute = path.toAbsolutePath().normalize();
        try {
            return absolute.toRealPath();
        } catch (IOException e) {
            return absolute;
        }
    }

    /** One line for the server's start-up banner. */
    public String describe() {
        if (equals(UNRESTRICTED)) {
            return "no [gateway.policy]: clients may choose any approval policy, sandbox permission, cwd and model";
        }
        return "approval policies " + show(approvalPolicies) + ", sandbox permissions " + show(sandboxPermissions)
                + ", workspace roots " + (workspaceRoots == null ? "any" : workspaceRoots) + ", models "
                + show(models) + ", providers " + show(providers);
    }

    private static String show(Set<String> set) {
        return set == null ? "any" : new TreeSet<>(set).toString();
    }
}

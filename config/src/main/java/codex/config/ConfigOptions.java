package codex.config;

import codex.protocol.ApprovalPolicy;
import codex.protocol.SandboxPermission;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Inputs to {@link ConfigLoader#load}. Build with {@link #defaults()} and the {@code with…} methods.
 *
 * @param codexHome          config directory; null means {@code $CODEX_HOME}, else {@code ~/.codex}
 * @param env                environment to read (CODEX_HOME, HOME, OPENAI_BASE_URL); null means the process's
 * @param overrides          {@code -c key=value} strings, applied in order
 * @param profile            {@code --profile NAME}; null means the file's {@code profile} key, if any
 * @param model              typed CLI override ({@code --model}), applied last; nullable
 * @param modelProvider      typed CLI override, applied last; nullable
 * @param approvalPolicy     typed CLI override, applied last; nullable
 * @param sandboxPermissions typed CLI override, applied last (replaces the list); nullable
 */
public record ConfigOptions(
        Path codexHome,
        Map<String, String> env,
        List<String> overrides,
        String profile,
        String model,
        String modelProvider,
        ApprovalPolicy approvalPolicy,
        List<SandboxPermission> sandboxPermissions) {

    public ConfigOptions {
        env = env == null ? Map.copyOf(System.getenv()) : Map.copyOf(env);
        overrides = overrides == null ? List.of() : List.copyOf(overrides);
        sandboxPermissions = sandboxPermissions == null ? null : List.copyOf(sandboxPermissions);
    }

    /** Everything from the environment and the config file; no CLI input. */
    public static ConfigOptions defaults() {
        return new ConfigOptions(null, null, null, null, null, null, null, null);
    }

    public ConfigOptions withCodexHome(Path codexHome) {
        return new ConfigOptions(codexHome, env, overrides, profile, model, modelProvider, approvalPolicy, sandboxPermissions);
    }

    public ConfigOptions withEnv(Map<String, String> env) {
        return new ConfigOptions(codexHome, env, overrides, profile, model, modelProvider, approvalPolicy, sandboxPermissions);
    }

    public ConfigOptions withOverrides(List<String> overrides) {
        return new ConfigOptions(codexHome, env, overrides, profile, model, modelProvider, approvalPolicy, sandboxPermissions);
    }

    public ConfigOptions withProfile(String profile) {
        return new ConfigOptions(codexHome, env, overrides, profile, model, modelProvider, approvalPolicy, sandboxPermissions);
    }

    public ConfigOptions withModel(String model) {
        return new ConfigOptions(codexHome, env, overrides, profile, model, modelProvider, approvalPolicy, sandboxPermissions);
    }

    public ConfigOptions withModelProvider(String modelProvider) {
        return new ConfigOptions(codexHome, env, overrides, profile, model, modelProvider, approvalPolicy, sandboxPermissions);
    }

    public ConfigOptions withApprovalPolicy(ApprovalPolicy approvalPolicy) {
        return new ConfigOptions(codexHome, env, overrides, profile, model, modelProvider, approvalPolicy, sandboxPermissions);
    }

    public ConfigOptions withSandboxPermissions(List<SandboxPermission> sandboxPermissions) {
        return new ConfigOptions(codexHome, env, overrides, profile, model, modelProvider, approvalPolicy, sandboxPermissions);
    }
}

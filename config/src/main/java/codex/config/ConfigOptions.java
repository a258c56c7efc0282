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
 * @param sandboxPermissions typed CLI override, applied last (replaces the list; with sandboxMode, added to the
 *                           mode's list); nullable
 * @param sandboxMode        typed CLI override ({@code -s MODE}), beats the config's sandbox_mode and
 *                           sandbox_permissions; nullable
 * @param addDirs            {@code --add-dir DIR}: more writable roots, added to whatever list applies; absolute
 */
public record ConfigOptions(
        Path codexHome,
        Map<String, String> env,
        List<String> overrides,
        String profile,
        String model,
        String modelProvider,
        ApprovalPolicy approvalPolicy,
        List<SandboxPermission> sandboxPermissions,
        SandboxMode sandboxMode,
        List<java.nio.file.Path> addDirs) {

    /** The seed's inputs (no sandbox mode, no extra directories). */
    public ConfigOptions(Path codexHome, Map<String, String> env, List<String> overrides, String profile, String model,
                         String modelProvider, ApprovalPolicy approvalPolicy, List<SandboxPermission> sandboxPermissions) {
        this(codexHome, env, overrides, profile, model, modelProvider, approvalPolicy, sandboxPermissions, null, null);
    }

    public ConfigOptions {
        addDirs = addDirs == null ? List.of() : List.copyOf(addDirs);
        env = env == null ? Map.copyOf(System.getenv()) : Map.copyOf(env);
        overrides = overrides == null ? List.of() : List.copyOf(overrides);
        sandboxPermissions = sandboxPermissions == null ? null : List.copyOf(sandboxPermissions);
    }

    /** Everything from the environment and the config file; no CLI input. */
    public static ConfigOptions defaults() {
        return new ConfigOptions(null, null, null, null, null, null, null, null, null, null);
    }

    public ConfigOptions withCodexHome(Path codexHome) {
        return new ConfigOptions(codexHome, env, overrides, profile, model, modelProvider, approvalPolicy, sandboxPermissions, sandboxMode, addDirs);
    }

    public ConfigOptions withEnv(Map<String, String> env) {
        return new ConfigOptions(codexHome, env, overrides, profile, model, modelProvider, approvalPolicy, sandboxPermissions, sandboxMode, addDirs);
    }

    public ConfigOptions withOverrides(List<String> overrides) {
        return new ConfigOptions(codexHome, env, overrides, profile, model, modelProvider, approvalPolicy, sandboxPermissions, sandboxMode, addDirs);
    }

    public ConfigOptions withProfile(String profile) {
        return new ConfigOptions(codexHome, env, overrides, profile, model, modelProvider, approvalPolicy, sandboxPermissions, sandboxMode, addDirs);
    }

    public ConfigOptions withModel(String model) {
        return new ConfigOptions(codexHome, env, overrides, profile, model, modelProvider, approvalPolicy, sandboxPermissions, sandboxMode, addDirs);
    }

    public ConfigOptions withModelProvider(String modelProvider) {
        return new ConfigOptions(codexHome, env, overrides, profile, model, modelProvider, approvalPolicy, sandboxPermissions, sandboxMode, addDirs);
    }

    public ConfigOptions withApprovalPolicy(ApprovalPolicy approvalPolicy) {
        return new ConfigOptions(codexHome, env, overrides, profile, model, modelProvider, approvalPolicy, sandboxPermissions, sandboxMode, addDirs);
    }

    public ConfigOptions withSandboxPermissions(List<SandboxPermission> sandboxPermissions) {
        return new ConfigOptions(codexHome, env, overrides, profile, model, modelProvider, approvalPolicy, sandboxPermissions, sandboxMode, addDirs);
    }

    public ConfigOptions withSandboxMode(SandboxMode sandboxMode) {
        return new ConfigOptions(codexHome, env, overrides, profile, model, modelProvider, approvalPolicy, sandboxPermissions, sandboxMode, addDirs);
    }

    public ConfigOptions withAddDirs(List<Path> addDirs) {
        return new ConfigOptions(codexHome, env, overrides, profile, model, modelProvider, approvalPolicy, sandboxPermissions, sandboxMode, addDirs);
    }
}

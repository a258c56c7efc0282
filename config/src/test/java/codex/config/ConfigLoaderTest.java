package codex.config;

import codex.protocol.WireApi;
import codex.protocol.ProviderSpec;
import codex.protocol.ReasoningSummary;
import codex.protocol.ReasoningEffort;
import codex.protocol.HistoryPersistence;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import codex.protocol.ApprovalPolicy;
import codex.protocol.SandboxPermission;
import codex.protocol.SandboxPermission.Kind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

    @TempDir
    Path home;

    private ConfigOptions options() {
        return ConfigOptions.defaults().withCodexHome(home).withEnv(Map.of());
    }

    private void writeConfig(String toml) throws IOException {
        Files.writeString(home.resolve("config.toml"), toml);
    }

    private CodexConfig load(String toml, String... overrides) throws IOException {
        writeConfig(toml);
        return ConfigLoader.load(options().withOverrides(List.of(overrides)));
    }

    private ConfigException loadFails(String toml, String... overrides) throws IOException {
        writeConfig(toml);
        return assertThrows(ConfigException.class, () -> ConfigLoader.load(options().withOverrides(List.of(overrides))));
    }

    // ---- defaults and a real config ---------------------------------------------------------

    @Test
    void missingFileGivesTheDocumentedDefaults() {
        CodexConfig config = ConfigLoader.load(options());

        assertEquals("o4-mini", config.model());
        assertEquals("openai", config.providerId());
        assertEquals("https://api.openai.com/v1", config.provider().baseUrl());
        assertEquals("OPENAI_API_KEY", config.provider().envKey());
        assertEquals(WireApi.RESPONSES, config.provider().wireApi());
        assertEquals(4, config.provider().requestMaxRetries());
        assertEquals(5, config.provider().streamMaxRetries());
        assertEquals(300_000L, config.provider().streamIdleTimeoutMs());
        assertEquals(ApprovalPolicy.UNLESS_ALLOW_LISTED, config.approvalPolicy());
        assertEquals(List.of(SandboxPermission.of(Kind.DISK_FULL_READ_ACCESS)), config.sandboxPermissions());
        assertFalse(config.disableResponseStorage());
        assertEquals(List.of(), config.notifyCommand());
        assertNull(config.reasoningEffort());
        assertNull(config.reasoningSummary());
        assertNull(config.modelContextWindow());
        assertNull(config.modelMaxOutputTokens());
        assertNull(config.instructions());
        assertEquals(32768, config.projectDocMaxBytes());
        assertEquals(HistoryPersistence.SAVE_ALL, config.historyPersistence());
        assertFalse(config.hideAgentReasoning());
        assertNull(config.profile());
        assertEquals(List.of(), config.unknownKeys());
        assertEquals(home.resolve("config.toml"), config.configFile());
        assertEquals(BuiltInProviders.IDS, List.copyOf(config.providers().keySet()));
    }

    @Test
    void codexHomeComesFromTheEnvironmentThenFromHome(@TempDir Path other) throws IOException {
        Files.writeString(other.resolve("config.toml"), "model = \"from-env-home\"\n");
        CodexConfig viaEnv = ConfigLoader.load(ConfigOptions.defaults().withEnv(Map.of("CODEX_HOME", other.toString())));
        assertEquals(other.toAbsolutePath().normalize(), viaEnv.codexHome());
        assertEquals("from-env-home", viaEnv.model());

        CodexConfig viaHome = ConfigLoader.load(ConfigOptions.defaults().withEnv(Map.of("HOME", other.toString())));
        assertEquals(other.resolve(".codex").toAbsolutePath().normalize(), viaHome.codexHome());
        assertEquals("o4-mini", viaHome.model());
    }

    @Test
    void realLookingUserConfigLoadsUnchanged() throws IOException {
        CodexConfig config = load("""
                # my codex config
                model = "o3"
                model_provider = "azure"
                approval_policy = "on-failure"
                sandbox_permissions = [
                  "disk-full-read-access",
                  "disk-write-cwd",
                  "disk-write-platform-user-temp-folder",
                  "disk-write-folder=/tmp/scratch",
                ]
                disable_response_storage = true
                notify = ["python3", "/home/me/.codex/notify.py"]
                model_reasoning_effort = "high"
                model_reasoning_summary = "detailed"
                model_context_window = 200000
                model_max_output_tokens = 100000
                instructions = "Always answer in English."
                project_doc_max_bytes = 65536
                hide_agent_reasoning = true

                [history]
                persistence = "none"

                [shell_environment_policy]
                inherit = "core"
                exclude = ["AWS_*", "AZURE_*"]

                [model_providers.azure]
                name = "Azure"
                base_url = "https://myres.openai.azure.com/openai"
                env_key = "AZURE_OPENAI_API_KEY"
                query_params = { api-version = "2025-04-01-preview" }

                [model_providers.local]
                name = "Local vLLM"
                base_url = "http://localhost:8080/v1"
                http_headers = { "X-Team" = "core" }
                env_http_headers = { "X-Token" = "LOCAL_TOKEN" }
                request_max_retries = 2
                stream_max_retries = 1
                stream_idle_timeout_ms = 60000

                [profiles.fast]
                model = "gpt-4.1-mini"
                model_provider = "local"
                """);

        assertEquals("o3", config.model());
        assertEquals("azure", config.providerId());
        assertEquals("Azure", config.provider().name());
        assertEquals(WireApi.RESPONSES, config.provider().wireApi(), "azure keeps the built-in wire_api");
        assertEquals("https://myres.openai.azure.com/openai/responses?api-version=2025-04-01-preview",
                config.provider().requestUrl());
        assertEquals(ApprovalPolicy.ON_FAILURE, config.approvalPolicy());
        assertEquals(List.of(SandboxPermission.of(Kind.DISK_FULL_READ_ACCESS), SandboxPermission.of(Kind.DISK_WRITE_CWD),
                SandboxPermission.of(Kind.DISK_WRITE_PLATFORM_USER_TEMP_FOLDER),
                new SandboxPermission(Kind.DISK_WRITE_FOLDER, "/tmp/scratch")), config.sandboxPermissions());
        assertTrue(config.disableResponseStorage());
        assertEquals(List.of("python3", "/home/me/.codex/notify.py"), config.notifyCommand());
        assertEquals(ReasoningEffort.HIGH, config.reasoningEffort());
        assertEquals(ReasoningSummary.DETAILED, config.reasoningSummary());
        assertEquals(200000, config.modelContextWindow());
        assertEquals(100000, config.modelMaxOutputTokens());
        assertEquals("Always answer in English.", config.instructions());
        assertEquals(65536, config.projectDocMaxBytes());
        assertTrue(config.hideAgentReasoning());
        assertEquals(HistoryPersistence.NONE, config.historyPersistence());
        assertEquals(List.of("shell_environment_policy"), config.unknownKeys());
        assertNull(config.profile(), "profiles are only applied when selected");

        ProviderSpec local = config.providers().get("local");
        assertEquals("Local vLLM", local.name());
        assertEquals(WireApi.CHAT, local.wireApi(), "user-defined providers default to chat");
        assertNull(local.envKey());
        assertEquals(Map.of("X-Team", "core"), local.httpHeaders());
        assertEquals(Map.of("X-Token", "LOCAL_TOKEN"), local.envHttpHeaders());
        assertEquals(2, local.requestMaxRetries());
        assertEquals(1, local.streamMaxRetries());
        assertEquals(60000L, local.streamIdleTimeoutMs());
        assertTrue(config.providers().keySet().containsAll(BuiltInProviders.IDS));
    }

    @Test
    void unknownKeysAreCollectedWithTheirPathsButDoNotFail() throws IOException {
        CodexConfig config = load("""
                model = "o3"
                file_opener = "vscode"
                [tui]
                theme = "dark"
                [history]
                max_bytes = 1000
                [model_providers.local]
                base_url = "http://localhost:1/v1"
                requires_openai_auth = false
                [profiles.p]
                colour = "blue"
                """, "modle=o3");
        assertEquals(List.of("file_opener", "tui", "history.max_bytes", "model_providers.local.requires_openai_auth",
                "profiles.p.colour", "modle"), config.unknownKeys());
        assertEquals("o3", config.model(), "the misspelt -c key changed nothing");
    }

    // ---- errors -------------------------------------------------------------------------------

    @Test
    void malformedFileNamesPathLineColumnAndReason() throws IOException {
        ConfigException e = loadFails("""
                model = "o3"
                approval_policy = on-failure
                """);
        String message = e.getMessage();
        assertTrue(message.contains(home.resolve("config.toml").toString()), message);
        assertTrue(message.contains("line 2, column 19"), message);
        assertTrue(message.contains("Unknown token"), message);
        assertTrue(message.contains("    2 | approval_policy = on-failure\n      | " + " ".repeat(18) + "^"), message);
    }

    @Test
    void duplicateKeyIsReportedAsMalformed() throws IOException {
        ConfigException e = loadFails("model = \"a\"\nmodel = \"b\"\n\nhide_agent_reasoning = true\n");
        assertTrue(e.getMessage().contains("Duplicate key"), e.getMessage());
        assertTrue(e.getMessage().contains("at line 2, column 1"), "the line of the duplicate, not the next token: " + e.getMessage());
        assertTrue(e.getMessage().contains("    2 | model = \"b\"\n      | ^"), "points at the duplicate: " + e.getMessage());
        assertTrue(e.getMessage().contains("hint: this key is already set on line 1"), e.getMessage());
        assertTrue(e.getMessage().contains("Invalid TOML in " + home.resolve("config.toml")), e.getMessage());
    }

    @Test
    void wrongTypeNamesTheKeyAndTheExpectedType() throws IOException {
        String model = loadFails("model = 3\n").getMessage();
        assertTrue(model.contains("'model'") && model.contains("expected a string") && model.contains("integer 3"), model);
        assertTrue(model.contains(home.resolve("config.toml").toString()), model);

        String notify = loadFails("notify = \"x\"\n").getMessage();
        assertTrue(notify.contains("'notify'") && notify.contains("array of strings") && notify.contains("string \"x\""),
                notify);

        String element = loadFails("notify = [\"say\", 3]\n").getMessage();
        assertTrue(element.contains("'notify[1]'") && element.contains("expected a string"), element);

        String flag = loadFails("disable_response_storage = \"yes\"\n").getMessage();
        assertTrue(flag.contains("'disable_response_storage'") && flag.contains("boolean"), flag);

        String nested = loadFails("[model_providers.x]\nrequest_max_retries = \"3\"\n").getMessage();
        assertTrue(nested.contains("'model_providers.x.request_max_retries'") && nested.contains("integer"), nested);

        String inProfile = loadFails("[profiles.fast]\nmodel = true\n").getMessage();
        assertTrue(inProfile.contains("'profiles.fast.model'"), inProfile);

        String negative = loadFails("project_doc_max_bytes = -1\n").getMessage();
        assertTrue(negative.contains("'project_doc_max_bytes'") && negative.contains("non-negative"), negative);

        String table = loadFails("history = \"none\"\n").getMessage();
        assertTrue(table.contains("'history'") && table.contains("persistence"), table);
    }

    @Test
    void unknownPermissionListsTheValidOnes() throws IOException {
        String message = loadFails("sandbox_permissions = [\"disk-full-read-access\", \"disk-write-everything\"]\n")
                .getMessage();
        assertTrue(message.contains("'sandbox_permissions[1]'"), message);
        assertTrue(message.contains("disk-write-everything"), message);
        assertTrue(message.contains(SandboxPermission.VALID_NAMES), message);
    }

    @Test
    void unknownPolicyListsTheValidOnes() throws IOException {
        String message = loadFails("approval_policy = \"sometimes\"\n").getMessage();
        assertTrue(message.contains("'approval_policy'") && message.contains("sometimes"), message);
        assertTrue(message.contains(ApprovalPolicy.VALID_NAMES), message);
    }

    @Test
    void otherEnumeratedValuesListTheValidOnes() throws IOException {
        assertTrue(loadFails("model_reasoning_effort = \"max\"\n").getMessage().contains(ReasoningEffort.VALID_NAMES));
        assertTrue(loadFails("model_reasoning_summary = \"long\"\n").getMessage().contains(ReasoningSummary.VALID_NAMES));
        assertTrue(loadFails("[history]\npersistence = \"some\"\n").getMessage().contains(HistoryPersistence.VALID_NAMES));
        assertTrue(loadFails("[model_providers.x]\nwire_api = \"grpc\"\n").getMessage().contains("responses, chat"));
    }

    @Test
    void unknownProfileListsTheDefinedOnes() throws IOException {
        writeConfig("[profiles.fast]\nmodel = \"a\"\n[profiles.slow]\nmodel = \"b\"\n");
        String fromFlag = assertThrows(ConfigException.class,
                () -> ConfigLoader.load(options().withProfile("nope"))).getMessage();
        assertTrue(fromFlag.contains("'nope'") && fromFlag.contains("--profile") && fromFlag.contains("fast, slow"),
                fromFlag);

        String fromKey = loadFails("profile = \"turbo\"\n[profiles.fast]\nmodel = \"a\"\n").getMessage();
        assertTrue(fromKey.contains("'turbo'") && fromKey.contains("'profile' key") && fromKey.contains("fast"), fromKey);

        String none = loadFails("model = \"a\"\n", "profile=x").getMessage();
        assertTrue(none.contains("no profiles are defined"), none);
    }

    @Test
    void overrideWithoutEqualsSaysTheExpectedForm() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> ConfigLoader.load(options().withOverrides(List.of("model"))));
        assertTrue(e.getMessage().contains("'model'") && e.getMessage().contains("key=value"), e.getMessage());

        ConfigException emptyKey = assertThrows(ConfigException.class,
                () -> ConfigLoader.load(options().withOverrides(List.of("=o3"))));
        assertTrue(emptyKey.getMessage().contains("key=value"), emptyKey.getMessage());

        ConfigException badKey = assertThrows(ConfigException.class,
                () -> ConfigLoader.load(options().withOverrides(List.of("model providers=x"))));
        assertTrue(badKey.getMessage().contains("not a valid key path"), badKey.getMessage());
    }

    @Test
    void wrongTypeInAnOverrideNamesTheOverride() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> ConfigLoader.load(options().withOverrides(List.of("disable_response_storage=yes"))));
        assertTrue(e.getMessage().contains("-c override 'disable_response_storage=yes'"), e.getMessage());
        assertTrue(e.getMessage().contains("boolean"), e.getMessage());
    }

    @Test
    void unknownProviderListsTheKnownOnes() throws IOException {
        String message = loadFails("model_provider = \"acme\"\n").getMessage();
        assertTrue(message.contains("'acme'") && message.contains("openai, ollama") && message.contains("[model_providers.acme]"),
                message);
    }

    @Test
    void azureWithoutBaseUrlIsAnErrorOnlyWhenSelected() throws IOException {
        assertEquals("openai", load("").providerId(), "an unused azure without base_url is fine");
        assertNull(load("").providers().get("azure").baseUrl());

        String message = loadFails("model_provider = \"azure\"\n").getMessage();
        assertTrue(message.contains("'azure'") && message.contains("base_url") && message.contains("api-version"),
                message);
    }

    @Test
    void selectedProviderNeedsAnHttpUrl() throws IOException {
        String message = loadFails("model_provider = \"x\"\n[model_providers.x]\nbase_url = \"localhost:8080\"\n").getMessage();
        assertTrue(message.contains("'x'") && message.contains("localhost:8080") && message.contains("http"), message);
    }

    // ---- -c overrides -------------------------------------------------------------------------

    @Test
    void dottedOverrideCreatesANewProviderTable() throws IOException {
        CodexConfig config = load("model = \"o3\"\n",
                "model_providers.local.base_url=http://gpu-box:8000/v1", "model_provider=local");
        assertEquals("local", config.providerId());
        assertEquals("http://gpu-box:8000/v1", config.provider().baseUrl());
        assertEquals("local", config.provider().name());
        assertEquals(WireApi.CHAT, config.provider().wireApi());
        assertFalse(config.provider().requiresApiKey());
    }

    @Test
    void overrideValuesParseAsTomlElseAsPlainStrings() throws IOException {
        CodexConfig config = load("""
                model = "o3"
                disable_response_storage = false
                """,
                "model=gpt-5",
                "disable_response_storage=true",
                "project_doc_max_bytes=1024",
                "instructions=  be brief, please  ",
                "model_reasoning_effort=\"low\"");
        assertEquals("gpt-5", config.model());
        assertTrue(config.disableResponseStorage());
        assertEquals(1024, config.projectDocMaxBytes());
        assertEquals("be brief, please", config.instructions());
        assertEquals(ReasoningEffort.LOW, config.reasoningEffort());
    }

    @Test
    void arrayAndInlineTableOverrides() throws IOException {
        CodexConfig config = load("sandbox_permissions = [\"disk-full-read-access\"]\n",
                "sandbox_permissions=[\"disk-write-cwd\", \"network-full-access\"]",
                "model_providers.azure.base_url=https://r.openai.azure.com/openai",
                "model_providers.azure.query_params={api-version=\"2025-04-01\"}",
                "model_provider=azure",
                "notify=[\"notify-send\", \"Codex\"]");
        assertEquals(List.of(SandboxPermission.of(Kind.DISK_WRITE_CWD), SandboxPermission.of(Kind.NETWORK_FULL_ACCESS)),
                config.sandboxPermissions());
        assertEquals(Map.of("api-version", "2025-04-01"), config.provider().queryParams());
        assertEquals("https://r.openai.azure.com/openai/responses?api-version=2025-04-01", config.provider().requestUrl());
        assertEquals(List.of("notify-send", "Codex"), config.notifyCommand());
    }

    @Test
    void laterOverridesWinAndASmuggledSecondAssignmentIsJustAString() throws IOException {
        CodexConfig config = load("", "model=a", "model=b", "instructions=\"x\"\napproval_policy=\"never\"");
        assertEquals("b", config.model());
        assertEquals(ApprovalPolicy.UNLESS_ALLOW_LISTED, config.approvalPolicy(),
                "a newline in the value must not set a second key");
        assertEquals("\"x\"\napproval_policy=\"never\"", config.instructions());
    }

    @Test
    void quotedKeySegmentsAllowDotsInNames() throws IOException {
        CodexConfig config = load("", "model_providers.\"my.proxy\".base_url=http://p:1/v1",
                "model_provider=my.proxy");
        assertEquals("http://p:1/v1", config.provider().baseUrl());
        assertEquals("my.proxy", config.providerId());
    }

    // ---- profiles -----------------------------------------------------------------------------

    private static final String PROFILED = """
            model = "o3"
            approval_policy = "on-failure"
            disable_response_storage = false

            [profiles.fast]
            model = "gpt-4.1-mini"
            model_reasoning_effort = "low"
            [profiles.fast.history]
            persistence = "none"

            [profiles.zdr]
            disable_response_storage = true
            approval_policy = "never"
            """;

    @Test
    void profileValuesOverrideTopLevelAndKeepTheRest() throws IOException {
        writeConfig(PROFILED);
        CodexConfig fast = ConfigLoader.load(options().withProfile("fast"));
        assertEquals("fast", fast.profile());
        assertEquals("gpt-4.1-mini", fast.model());
        assertEquals(ReasoningEffort.LOW, fast.reasoningEffort());
        assertEquals(HistoryPersistence.NONE, fast.historyPersistence());
        assertEquals(ApprovalPolicy.ON_FAILURE, fast.approvalPolicy(), "not in the profile: top level stays");

        CodexConfig none = ConfigLoader.load(options());
        assertEquals("o3", none.model());
        assertNull(none.reasoningEffort());
    }

    @Test
    void profileKeyInFileSelectsAndFlagBeatsIt() throws IOException {
        writeConfig("profile = \"zdr\"\n" + PROFILED);
        CodexConfig byKey = ConfigLoader.load(options());
        assertEquals("zdr", byKey.profile());
        assertTrue(byKey.disableResponseStorage());
        assertEquals(ApprovalPolicy.NEVER, byKey.approvalPolicy());

        CodexConfig byFlag = ConfigLoader.load(options().withProfile("fast"));
        assertEquals("fast", byFlag.profile());
        assertFalse(byFlag.disableResponseStorage());
    }

    @Test
    void overridesBeatProfilesAndTypedOptionsBeatOverrides() throws IOException {
        writeConfig(PROFILED);
        CodexConfig overridden = ConfigLoader.load(options().withProfile("fast")
                .withOverrides(List.of("model=from-c", "profiles.fast.model_reasoning_effort=high")));
        assertEquals("from-c", overridden.model());
        assertEquals(ReasoningEffort.HIGH, overridden.reasoningEffort(), "-c can edit the profile itself");

        CodexConfig viaC = ConfigLoader.load(options().withOverrides(List.of("profile=zdr")));
        assertEquals("zdr", viaC.profile());
        assertEquals(ApprovalPolicy.NEVER, viaC.approvalPolicy());

        CodexConfig typed = ConfigLoader.load(options().withProfile("zdr")
                .withOverrides(List.of("model=from-c", "approval_policy=auto-edit", "model_provider=ollama",
                        "sandbox_permissions=[\"disk-write-cwd\"]"))
                .withModel("typed-model")
                .withApprovalPolicy(ApprovalPolicy.ON_FAILURE)
                .withModelProvider("lmstudio")
                .withSandboxPermissions(List.of(SandboxPermission.of(Kind.DISK_FULL_WRITE_ACCESS))));
        assertEquals("typed-model", typed.model());
        assertEquals(ApprovalPolicy.ON_FAILURE, typed.approvalPolicy());
        assertEquals("lmstudio", typed.providerId());
        assertEquals("http://localhost:1234/v1", typed.provider().baseUrl());
        assertEquals(List.of(SandboxPermission.of(Kind.DISK_FULL_WRITE_ACCESS)), typed.sandboxPermissions());
        assertTrue(typed.disableResponseStorage(), "profile value not touched by any override");
    }

    @Test
    void typedProviderMustExist() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> ConfigLoader.load(options().withModelProvider("nope")));
        assertTrue(e.getMessage().contains("'nope'") && e.getMessage().contains("known providers"), e.getMessage());
    }

    // ---- providers ----------------------------------------------------------------------------

    @Test
    void userTableMergesOverTheBuiltInWithUserKeysWinning() throws IOException {
        CodexConfig config = load("""
                [model_providers.openai]
                request_max_retries = 9
                http_headers = { "X-Extra" = "1" }

                [model_providers.ollama]
                base_url = "http://gpu-box:11434/v1"
                """);
        ProviderSpec openai = config.providers().get("openai");
        assertEquals("OpenAI", openai.name());
        assertEquals("https://api.openai.com/v1", openai.baseUrl());
        assertEquals("OPENAI_API_KEY", openai.envKey());
        assertEquals(WireApi.RESPONSES, openai.wireApi(), "built-in wire_api kept, not the user default chat");
        assertEquals(9, openai.requestMaxRetries());
        assertEquals(Map.of("X-Extra", "1"), openai.httpHeaders());
        assertEquals("OPENAI_ORGANIZATION", openai.envHttpHeaders().get("OpenAI-Organization"));

        ProviderSpec ollama = config.providers().get("ollama");
        assertEquals("http://gpu-box:11434/v1", ollama.baseUrl());
        assertEquals(WireApi.CHAT, ollama.wireApi());
        assertFalse(ollama.requiresApiKey());
    }

    @Test
    void emptyEnvKeySwitchesTheKeyOffAndRetriesAreCapped() throws IOException {
        CodexConfig config = load("""
                [model_providers.openai]
                env_key = ""
                base_url = "http://localhost:4000/v1"
                request_max_retries = 1000
                """);
        assertFalse(config.provider().requiresApiKey());
        assertEquals("http://localhost:4000/v1", config.provider().baseUrl());
        assertEquals(100, config.provider().requestMaxRetries());
    }

    @Test
    void builtInsHaveTheDocumentedEndpoints() {
        Map<String, ProviderSpec> p = ConfigLoader.load(options()).providers();
        assertEquals("http://localhost:11434/v1", p.get("ollama").baseUrl());
        assertEquals("http://localhost:1234/v1", p.get("lmstudio").baseUrl());
        assertEquals("https://openrouter.ai/api/v1", p.get("openrouter").baseUrl());
        assertEquals("OPENROUTER_API_KEY", p.get("openrouter").envKey());
        assertEquals("AZURE_OPENAI_API_KEY", p.get("azure").envKey());
        assertEquals(WireApi.RESPONSES, p.get("azure").wireApi());
        assertEquals("https://api.mistral.ai/v1", p.get("mistral").baseUrl());
        assertEquals("MISTRAL_API_KEY", p.get("mistral").envKey());
        assertEquals("https://generativelanguage.googleapis.com/v1beta/openai", p.get("gemini").baseUrl());
        assertEquals("GEMINI_API_KEY", p.get("gemini").envKey());
        for (String chat : List.of("ollama", "lmstudio", "openrouter", "mistral", "gemini")) {
            assertEquals(WireApi.CHAT, p.get(chat).wireApi(), chat);
        }
    }

    @Test
    void openAiBaseUrlEnvVarReplacesTheDefaultButNotAUserValue() throws IOException {
        CodexConfig fromEnv = ConfigLoader.load(options().withEnv(Map.of("OPENAI_BASE_URL", "http://proxy:8080/v1")));
        assertEquals("http://proxy:8080/v1", fromEnv.provider().baseUrl());

        CodexConfig blank = ConfigLoader.load(options().withEnv(Map.of("OPENAI_BASE_URL", "  ")));
        assertEquals("https://api.openai.com/v1", blank.provider().baseUrl());

        writeConfig("[model_providers.openai]\nbase_url = \"http://mine:1/v1\"\n");
        CodexConfig user = ConfigLoader.load(options().withEnv(Map.of("OPENAI_BASE_URL", "http://proxy:8080/v1")));
        assertEquals("http://mine:1/v1", user.provider().baseUrl());
    }
}

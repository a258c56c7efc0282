package codex.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import codex.protocol.ApprovalPolicy;
import codex.protocol.SandboxPermission;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A config.toml written for today's Codex: approval and sandbox vocabulary, and -c before validation. */
class CodexVocabularyConfigTest {

    @TempDir
    Path home;

    private CodexConfig load(String toml, ConfigOptions options) throws IOException {
        Files.writeString(home.resolve("config.toml"), toml);
        return ConfigLoader.load(options.withCodexHome(home).withEnv(Map.of()));
    }

    private CodexConfig load(String toml, String... overrides) throws IOException {
        return load(toml, ConfigOptions.defaults().withOverrides(List.of(overrides)));
    }

    private static List<String> names(CodexConfig c) {
        return SandboxPermission.toStrings(c.sandboxPermissions());
    }

    @Test
    void todaysApprovalPoliciesLoad() throws IOException {
        assertEquals(ApprovalPolicy.ON_REQUEST, load("approval_policy = \"on-request\"\n").approvalPolicy());
        assertEquals(ApprovalPolicy.UNLESS_ALLOW_LISTED, load("approval_policy = \"untrusted\"\n").approvalPolicy());
    }

    @Test
    void overridesApplyBeforeTheFileIsValidated() throws IOException {
        CodexConfig c = load("approval_policy = \"sometimes\"\n", "approval_policy=never");
        assertEquals(ApprovalPolicy.NEVER, c.approvalPolicy(), "-c rescues a value this build refuses");
        ConfigException e = assertThrows(ConfigException.class, () -> load("approval_policy = \"sometimes\"\n"));
        assertTrue(e.getMessage().contains("untrusted (= unless-allow-listed)"), e.getMessage());
    }

    @Test
    void workspaceWriteWithItsTableMapsOntoPermissions() throws IOException {
        CodexConfig c = load("""
                sandbox_mode = "workspace-write"
                [sandbox_workspace_write]
                writable_roots = ["/opt/cache", "/srv/data"]
                network_access = true
                exclude_slash_tmp = true
                """);
        assertEquals(SandboxMode.WORKSPACE_WRITE, c.sandboxMode());
        assertEquals(List.of("disk-full-read-access", "disk-write-cwd", "disk-write-platform-user-temp-folder",
                "disk-write-folder=/opt/cache", "disk-write-folder=/srv/data", "disk-read-only-metadata-folders",
                "network-full-access"), names(c));
        assertTrue(c.sandboxSource().contains("sandbox_mode = \"workspace-write\""), c.sandboxSource());
        assertEquals(List.of(), c.warnings());
        assertEquals(List.of(), c.unknownKeys());
    }

    @Test
    void theOtherModes() throws IOException {
        assertEquals(List.of("disk-full-read-access"), names(load("sandbox_mode = \"read-only\"\n")));
        assertEquals(List.of("disk-full-read-access", "disk-full-write-access", "network-full-access"),
                names(load("sandbox_mode = \"danger-full-access\"\n")));
        CodexConfig tmpExcluded = load("sandbox_mode = \"workspace-write\"\n[sandbox_workspace_write]\nexclude_tmpdir_env_var = true\n");
        assertEquals(List.of("disk-full-read-access", "disk-write-cwd", "disk-write-platform-global-temp-folder",
                "disk-read-only-metadata-folders"), names(tmpExcluded));
        ConfigException e = assertThrows(ConfigException.class, () -> load("sandbox_mode = \"rw\"\n"));
        assertTrue(e.getMessage().contains("read-only, workspace-write, danger-full-access"), e.getMessage());
    }

    @Test
    void sandboxModeDecidesWhenBothAreSetAndSaysSo() throws IOException {
        CodexConfig c = load("sandbox_mode = \"read-only\"\nsandbox_permissions = [\"disk-write-cwd\"]\n");
        assertEquals(List.of("disk-full-read-access"), names(c));
        assertEquals(1, c.warnings().size());
        assertTrue(c.warnings().get(0).contains("sandbox_permissions is ignored") && c.warnings().get(0).contains("read-only"),
                c.warnings().toString());
    }

    @Test
    void aWorkspaceWriteTableWithoutThatModeIsIgnoredWithAWarning() throws IOException {
        CodexConfig c = load("sandbox_permissions = [\"disk-full-read-access\"]\n[sandbox_workspace_write]\nwritable_roots = [\"/x\"]\n");
        assertEquals(List.of("disk-full-read-access"), names(c), "nothing silently widens the sandbox");
        assertTrue(c.warnings().get(0).contains("[sandbox_workspace_write] is ignored"), c.warnings().toString());
    }

    @Test
    void aSeedConfigLoadsExactlyAsBefore() throws IOException {
        CodexConfig c = load("approval_policy = \"on-failure\"\nsandbox_permissions = [\"disk-full-read-access\", \"disk-write-cwd\"]\n");
        assertEquals(ApprovalPolicy.ON_FAILURE, c.approvalPolicy());
        assertEquals(List.of("disk-full-read-access", "disk-write-cwd"), names(c), "disk-write-cwd keeps its seed meaning");
        assertNull(c.sandboxMode());
        assertEquals(List.of(), c.warnings());
    }

    @Test
    void commandLineModeBeatsTheConfigAndAddDirsAreWritable() throws IOException {
        CodexConfig c = load("sandbox_permissions = [\"disk-full-read-access\"]\n", ConfigOptions.defaults()
                .withSandboxMode(SandboxMode.WORKSPACE_WRITE).withAddDirs(List.of(Path.of("/data/shared"))));
        assertEquals(SandboxMode.WORKSPACE_WRITE, c.sandboxMode());
        assertTrue(names(c).contains("disk-write-folder=/data/shared") && names(c).contains("disk-write-cwd"), names(c).toString());
        assertTrue(c.sandboxSource().contains("command line"), c.sandboxSource());
        CodexConfig mode = load("", "sandbox_mode=workspace-write", "sandbox_workspace_write.network_access=true");
        assertTrue(names(mode).contains("network-full-access"), names(mode).toString());
    }

    @Test
    void sandboxKeysWorkInProfiles() throws IOException {
        CodexConfig c = load("profile = \"w\"\n[profiles.w]\nsandbox_mode = \"workspace-write\"\n");
        assertEquals(SandboxMode.WORKSPACE_WRITE, c.sandboxMode());
    }

    @Test
    void tomlErrorsSayWhatToDo() throws IOException {
        ConfigException bare = assertThrows(ConfigException.class, () -> load("model = o3\n"));
        assertTrue(bare.getMessage().contains("a bare word needs quotes"), bare.getMessage());
        ConfigException table = assertThrows(ConfigException.class, () -> load("[history]\npersistence = \"none\"\n[history]\n"));
        assertTrue(table.getMessage().contains("appears twice"), table.getMessage());
        ConfigException dupInTable = assertThrows(ConfigException.class,
                () -> load("model = \"x\"\n[model_providers.a]\nname = \"a\"\nbase_url = \"http://h/v1\"\nname = \"b\"\n"));
        assertTrue(dupInTable.getMessage().contains("at line 5") && dupInTable.getMessage().contains("line 3"), dupInTable.getMessage());
        ConfigException eof = assertThrows(ConfigException.class, () -> load("notify = [\"a\",\n\n"));
        assertTrue(eof.getMessage().contains("close the bracket"), eof.getMessage());
    }
}

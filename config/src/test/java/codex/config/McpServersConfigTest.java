package codex.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import codex.protocol.McpServerDefinition;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code [mcp_servers.NAME]} read as today's Codex reads it. */
class McpServersConfigTest {
    @TempDir
    Path home;

    private CodexConfig load(String toml, String... overrides) throws IOException {
        Files.writeString(home.resolve("config.toml"), toml);
        return ConfigLoader.load(ConfigOptions.defaults().withCodexHome(home).withEnv(Map.of()).withOverrides(List.of(overrides)));
    }

    @Test
    void stdioAndHttpServersWithEveryKey_inConfigOrder() throws IOException {
        CodexConfig c = load("""
                # my servers
                [mcp_servers.fs]
                command = "npx"
                args = ["-y", "@modelcontextprotocol/server-filesystem", "/tmp"]
                env = { LOG_LEVEL = "debug" }
                cwd = "tools"
                startup_timeout_sec = 20
                tool_timeout_sec = 2.5
                enabled_tools = ["read_text_file"]

                [mcp_servers.docs]
                url = "https://docs.example.com/mcp"
                bearer_token_env_var = "DOCS_TOKEN"
                disabled_tools = ["delete"]
                enabled = false
                """);
        assertEquals(List.of("fs", "docs"), List.copyOf(c.mcpServers().keySet()));
        McpServerDefinition fs = c.mcpServers().get("fs");
        assertEquals("npx", fs.command());
        assertEquals(List.of("-y", "@modelcontextprotocol/server-filesystem", "/tmp"), fs.args());
        assertEquals(Map.of("LOG_LEVEL", "debug"), fs.env());
        assertEquals("tools", fs.cwd());
        assertEquals(20.0, fs.startupTimeoutSec());
        assertEquals(2.5, fs.toolTimeoutSec());
        assertTrue(fs.isEnabled());
        assertTrue(fs.offers("read_text_file"));
        assertFalse(fs.offers("write_file"), "enabled_tools lists the only tools offered");
        McpServerDefinition docs = c.mcpServers().get("docs");
        assertEquals("https://docs.example.com/mcp", docs.url());
        assertEquals("DOCS_TOKEN", docs.bearerTokenEnvVar());
        assertNull(docs.command());
        assertFalse(docs.isEnabled());
        assertFalse(docs.offers("delete"));
        assertTrue(docs.offers("search"));
        assertTrue(c.unknownKeys().isEmpty(), c.unknownKeys().toString());
    }

    @Test
    void theOlderStartupTimeoutMsStillWorks_andUnknownServerKeysAreNoted() throws IOException {
        CodexConfig c = load("""
                [mcp_servers.x]
                command = "x-server"
                startup_timeout_ms = 1500
                colour = "blue"
                """);
        assertEquals(1.5, c.mcpServers().get("x").startupTimeoutSec());
        assertEquals(List.of("mcp_servers.x.colour"), c.unknownKeys());
    }

    @Test
    void aServerCanBeAddedWithDashC() throws IOException {
        CodexConfig c = load("", "mcp_servers.echo.command=\"echo-server\"", "mcp_servers.echo.args=[\"--fast\"]");
        assertEquals(List.of("--fast"), c.mcpServers().get("echo").args());
    }

    @Test
    void mistakesAreRefusedWithTheKeyAndWhatWasExpected() throws IOException {
        ConfigException neither = assertThrows(ConfigException.class, () -> load("[mcp_servers.x]\nargs = [\"a\"]\n"));
        assertTrue(neither.getMessage().contains("[mcp_servers.x]") && neither.getMessage().contains("needs either command"),
                neither.getMessage());
        ConfigException both = assertThrows(ConfigException.class,
                () -> load("[mcp_servers.x]\ncommand = \"a\"\nurl = \"http://h/mcp\"\n"));
        assertTrue(both.getMessage().contains("command or url, not both"), both.getMessage());
        ConfigException args = assertThrows(ConfigException.class, () -> load("[mcp_servers.x]\ncommand = \"a\"\nargs = \"-v\"\n"));
        assertTrue(args.getMessage().contains("'mcp_servers.x.args'") && args.getMessage().contains("an array of strings"),
                args.getMessage());
        ConfigException timeout = assertThrows(ConfigException.class,
                () -> load("[mcp_servers.x]\ncommand = \"a\"\ntool_timeout_sec = \"ten\"\n"));
        assertTrue(timeout.getMessage().contains("'mcp_servers.x.tool_timeout_sec'"), timeout.getMessage());
        ConfigException notTable = assertThrows(ConfigException.class, () -> load("mcp_servers = 3\n"));
        assertTrue(notTable.getMessage().contains("'mcp_servers'"), notTable.getMessage());
    }
}

package codex.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class McpServersTomlTest {
    private static final String USERS = """
            # top comment
            model = "o3"   # trailing comment

            # about docs
            [mcp_servers.docs]
            command = "npx" # the runner
            args = ["-y",
              "[not-a-header]"]   # multi-line

            # about other
            [mcp_servers.other]
            command = "x"
            description = \"\"\"
            [mcp_servers.fake]
            \"\"\"

            [mcp_servers.docs.env]
            K = "v"

            # tail comment
            [profiles.p]
            model = "m"
            """;

    private static McpServersToml.Entry stdio(String command, List<String> args, Map<String, String> env) {
        return new McpServersToml.Entry(command, args, env, null, null);
    }

    @Test
    void remove_takesTheTablesAndTheirCommentsOnly() {
        String out = McpServersToml.remove(USERS, "docs").orElseThrow();
        assertEquals("""
                # top comment
                model = "o3"   # trailing comment

                # about other
                [mcp_servers.other]
                command = "x"
                description = \"\"\"
                [mcp_servers.fake]
                \"\"\"

                # tail comment
                [profiles.p]
                model = "m"
                """, out);
    }

    @Test
    void remove_anUnknownServer_isEmpty_andAHeaderInsideAStringIsNoServer() {
        assertTrue(McpServersToml.remove(USERS, "nope").isEmpty());
        assertTrue(McpServersToml.remove(USERS, "fake").isEmpty());
    }

    @Test
    void put_anExistingServer_keepsItsPlaceAndComment_rewritesItsKeysAndSubtables() {
        String out = McpServersToml.put(USERS, "docs", stdio("node", List.of("a b.js", "--x=\"q\""), Map.of("B", "2", "A", "1")));
        assertEquals("""
                # top comment
                model = "o3"   # trailing comment

                # about docs
                [mcp_servers.docs]
                command = "node"
                args = ["a b.js", "--x=\\"q\\""]

                [mcp_servers.docs.env]
                A = "1"
                B = "2"

                # about other
                [mcp_servers.other]
                command = "x"
                description = \"\"\"
                [mcp_servers.fake]
                \"\"\"

                # tail comment
                [profiles.p]
                model = "m"
                """, out);
    }

    @Test
    void put_aNewServer_goesAfterTheLastServerTable() {
        String out = McpServersToml.put(USERS, "web", new McpServersToml.Entry(null, null, null, "https://h/mcp", "TOK"));
        assertTrue(out.startsWith(USERS.substring(0, USERS.indexOf("# tail comment"))), out);
        assertTrue(out.contains("""
                [mcp_servers.docs.env]
                K = "v"

                [mcp_servers.web]
                url = "https://h/mcp"
                bearer_token_env_var = "TOK"

                # tail comment
                [profiles.p]
                """), out);
    }

    @Test
    void put_intoAFileWithoutServers_appends_andQuotesKeysThatAreNotBare() {
        String out = McpServersToml.put("model = \"o3\"", "a.b", stdio("q", List.of(), Map.of("my key", "1")));
        assertEquals("""
                model = "o3"

                [mcp_servers."a.b"]
                command = "q"

                [mcp_servers."a.b".env]
                "my key" = "1"
                """, out);
        assertEquals("[mcp_servers.x]\ncommand = \"y\"\n", McpServersToml.put("", "x", stdio("y", null, null)));
    }

    @Test
    void crlfFilesStayCrlf() {
        String out = McpServersToml.put("model = \"o3\"\r\n", "x", stdio("y", List.of("z"), null));
        assertEquals("model = \"o3\"\r\n\r\n[mcp_servers.x]\r\ncommand = \"y\"\r\nargs = [\"z\"]\r\n", out);
    }

    @Test
    void aServerWrittenAsAnInlineTable_isRefused_notWrittenWrong() {
        String inline = "[mcp_servers]\ndocs = { command = \"x\" }\n";
        ConfigException e = assertThrows(ConfigException.class,
                () -> McpServersToml.put(inline, "docs", stdio("y", null, null)));
        assertTrue(e.getMessage().contains("change it by hand"), e.getMessage());
        assertThrows(ConfigException.class, () -> McpServersToml.remove(inline, "docs"));
        // another server next to it is fine
        String added = McpServersToml.put(inline, "web", new McpServersToml.Entry(null, null, null, "http://h", null));
        assertEquals(inline + "\n[mcp_servers.web]\nurl = \"http://h\"\n", added);
    }

    @Test
    void removingTheLastServer_leavesTheRestAlone() {
        String text = "model = \"o3\"\n\n[mcp_servers.only]\ncommand = \"x\"\n";
        assertEquals("model = \"o3\"\n", McpServersToml.remove(text, "only").orElseThrow());
    }
}

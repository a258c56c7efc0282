package codex.cli;

import codex.mcp.NpmTools;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `codex mcp-client` as a user runs it, against the reference servers from npm and broken ones. */
class McpClientCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private CodexProcess.Result mcpClient(List<String> options, List<String> server) throws Exception {
        List<String> args = new ArrayList<>();
        args.add("mcp-client");
        args.addAll(options);
        if (!server.isEmpty()) {
            args.add("--");
            args.addAll(server);
        }
        return CodexProcess.run(tmp, Map.of(), null, args.toArray(String[]::new));
    }

    private static List<String> everything() {
        return NpmTools.nodeScript("@modelcontextprotocol/server-everything/dist/index.js", "stdio");
    }

    @Test
    void listsTheToolsOfServerEverything_asJson() throws Exception {
        CodexProcess.Result r = mcpClient(List.of(), everything());
        assertEquals(0, r.exitCode(), r.stderr());
        JsonNode tools = JSON.readTree(r.stdout()).get("tools");
        JsonNode echo = null;
        for (JsonNode tool : tools) {
            if (tool.get("name").asText().equals("echo")) {
                echo = tool;
            }
        }
        assertTrue(echo != null, r.stdout());
        assertEquals("string", echo.at("/inputSchema/properties/message/type").asText());
        assertEquals("message", echo.at("/inputSchema/required/0").asText());
    }

    @Test
    void callsEchoAndGetSum() throws Exception {
        CodexProcess.Result echo = mcpClient(List.of("--call", "echo", "--args", "{\"message\":\"hi there\"}"), everything());
        assertEquals(0, echo.exitCode(), echo.stderr());
        assertEquals("Echo: hi there", JSON.readTree(echo.stdout()).at("/content/0/text").asText());
        CodexProcess.Result sum = mcpClient(List.of("--call", "get-sum", "--args", "{\"a\":40,\"b\":2}"), everything());
        assertEquals("The sum of 40 and 2 is 42.", JSON.readTree(sum.stdout()).at("/content/0/text").asText());
    }

    @Test
    void readsAFileThroughServerFilesystem() throws Exception {
        Path root = Files.createDirectory(tmp.resolve("shared")).toRealPath();
        Files.writeString(root.resolve("hello.txt"), "hello, mcp\n");
        CodexProcess.Result r = mcpClient(List.of("--call", "read_text_file", "--args",
                        JSON.writeValueAsString(Map.of("path", root.resolve("hello.txt").toString()))),
                NpmTools.nodeScript("@modelcontextprotocol/server-filesystem/dist/index.js", root.toString()));
        assertEquals(0, r.exitCode(), r.stderr());
        assertEquals("hello, mcp\n", JSON.readTree(r.stdout()).at("/content/0/text").asText());
    }

    @Test
    void aToolErrorResultExitsOne_withTheResultPrinted() throws Exception {
        Path root = Files.createDirectory(tmp.resolve("root")).toRealPath();
        CodexProcess.Result r = mcpClient(List.of("--call", "read_text_file", "--args", "{\"path\":\"/etc/passwd\"}"),
                NpmTools.nodeScript("@modelcontextprotocol/server-filesystem/dist/index.js", root.toString()));
        assertEquals(1, r.exitCode());
        assertTrue(JSON.readTree(r.stdout()).get("isError").asBoolean(), r.stdout());
        assertTrue(!r.stdout().contains("root:x:0"), r.stdout());
    }

    @Test
    void serverFailuresAreOneClearLine() throws Exception {
        CodexProcess.Result missing = mcpClient(List.of(), List.of("no-such-mcp-server"));
        assertEquals(1, missing.exitCode());
        assertEquals("error: MCP server 'no-such-mcp-server' could not start: Cannot run program \"no-such-mcp-server\": "
                + "error=2, No such file or directory\n", missing.stderr());

        CodexProcess.Result early = mcpClient(List.of(), List.of("sh", "-c", "echo 'no token configured' >&2; exit 5"));
        assertEquals(1, early.exitCode());
        assertEquals("error: MCP server 'sh' (sh -c echo 'no token configured' >&2; exit 5) exited with code 5 before "
                + "answering initialize; its stderr ends:\nno token configured\n", early.stderr());

        CodexProcess.Result hung = mcpClient(List.of("--timeout", "1"), List.of("sleep", "30"));
        assertEquals(1, hung.exitCode());
        assertEquals("error: MCP server 'sleep' (sleep 30) did not answer initialize within 1 s\n", hung.stderr());

        CodexProcess.Result refused = mcpClient(List.of("--url", "http://127.0.0.1:1/mcp", "--timeout", "2"), List.of());
        assertEquals(1, refused.exitCode());
        assertTrue(refused.stderr().startsWith("error: MCP server '127.0.0.1' (http://127.0.0.1:1/mcp) failed initialize"),
                refused.stderr());
    }

    @Test
    void usageErrorsExitTwo() throws Exception {
        CodexProcess.Result neither = mcpClient(List.of(), List.of());
        assertEquals(2, neither.exitCode());
        assertEquals("error: give either a server command (after --) or --url URL\n", neither.stderr());
        CodexProcess.Result badJson = mcpClient(List.of("--call", "echo", "--args", "{nope"), List.of("true"));
        assertEquals(2, badJson.exitCode());
        assertTrue(badJson.stderr().startsWith("error: --args is not a JSON object"), badJson.stderr());
    }
}

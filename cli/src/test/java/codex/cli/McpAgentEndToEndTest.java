package codex.cli;

import codex.mcp.NpmTools;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `codex exec` with [mcp_servers] from config: the scripted model calls the servers' tools. */
class McpAgentEndToEndTest {
    @TempDir
    Path tmp;
    Path work;
    Path home;
    UserSetUp user;

    @BeforeEach
    void setUp() throws Exception {
        user = UserSetUp.in(tmp);
        work = user.work();
        home = user.home();
    }

    private static String toml(List<String> commandLine) {
        StringBuilder args = new StringBuilder();
        for (String a : commandLine.subList(1, commandLine.size())) {
            args.append(args.isEmpty() ? "" : ", ").append('"').append(a).append('"');
        }
        return "command = \"" + commandLine.get(0) + "\"\nargs = [" + args + "]\n";
    }

    private static JsonObject mcpCall(String callId, String name, JsonObject args) {
        return new JsonObject().put("type", "function_call").put("id", "fc_" + callId).put("call_id", callId)
                .put("name", name).put("arguments", args.encode());
    }

    private static String outputFor(JsonObject request, String callId) {
        for (Object o : request.getJsonArray("input")) {
            JsonObject item = (JsonObject) o;
            if ("function_call_output".equals(item.getString("type")) && callId.equals(item.getString("call_id"))) {
                Object out = item.getValue("output");
                return out instanceof String s ? s : String.valueOf(out);
            }
        }
        throw new AssertionError("no output for " + callId + " in " + request.encode());
    }

    private static List<String> toolNames(JsonObject request) {
        List<String> names = new ArrayList<>();
        for (Object t : request.getJsonArray("tools", new JsonArray())) {
            names.add(((JsonObject) t).getString("name"));
        }
        return names;
    }

    @Test
    void theModelCallsServerEverythingsEcho_andAFailingServerIsReportedOnce() throws Exception {
        Files.writeString(home.resolve("config.toml"), "[mcp_servers.everything]\n"
                + toml(NpmTools.nodeScript("@modelcontextprotocol/server-everything/dist/index.js", "stdio"))
                + "enabled_tools = [\"echo\", \"get-sum\"]\n\n"
                + "[mcp_servers.broken]\ncommand = \"" + tmp.resolve("no-such-server") + "\"\n");
        try (FakeModelServer model = new FakeModelServer(List.of(
                FakeModelServer.sse(FakeModelServer.toolCalls("r1", List.of(
                        mcpCall("c1", "everything__echo", new JsonObject().put("message", "via mcp"))))),
                FakeModelServer.sse(FakeModelServer.textResponse("r2", "echoed"))))) {
            CodexProcess.Result r = CodexProcess.run(work, user.env(model), null, "exec", "--json=seed", "say it through mcp");
            assertEquals(0, r.exitCode(), r.stderr());
            assertEquals(List.of("shell", "apply_patch", "everything__echo", "everything__get-sum"),
                    toolNames(model.requests().get(0)));
            assertEquals("Echo: via mcp", outputFor(model.requests().get(1), "c1"));
            List<JsonObject> events = r.stdoutLines().stream().map(JsonObject::new).toList();
            JsonObject begin = events.stream().map(e -> e.getJsonObject("msg"))
                    .filter(m -> "mcp_tool_call_begin".equals(m.getString("type"))).findFirst().orElseThrow();
            assertEquals("everything", begin.getJsonObject("invocation").getString("server"));
            assertEquals("echo", begin.getJsonObject("invocation").getString("tool"));
            JsonObject end = events.stream().map(e -> e.getJsonObject("msg"))
                    .filter(m -> "mcp_tool_call_end".equals(m.getString("type"))).findFirst().orElseThrow();
            assertEquals("Echo: via mcp", end.getJsonObject("result").getJsonArray("content").getJsonObject(0).getString("text"));
            long told = events.stream().map(e -> e.getJsonObject("msg"))
                    .filter(m -> "background_event".equals(m.getString("type"))
                            && m.getString("message").startsWith("MCP server 'broken' could not start")).count();
            assertEquals(1, told, r.stdout());
        }
    }

    /** `exec --json` (today's Codex schema): the call is an mcp_tool_call item, started then completed. */
    @Test
    void execJson_printsTheCallAsAnMcpToolCallItem() throws Exception {
        Files.writeString(home.resolve("config.toml"), "[mcp_servers.everything]\n"
                + toml(NpmTools.nodeScript("@modelcontextprotocol/server-everything/dist/index.js", "stdio")));
        try (FakeModelServer model = new FakeModelServer(List.of(
                FakeModelServer.sse(FakeModelServer.toolCalls("r1", List.of(
                        mcpCall("c1", "everything__echo", new JsonObject().put("message", "via mcp"))))),
                FakeModelServer.sse(FakeModelServer.textResponse("r2", "echoed"))))) {
            CodexProcess.Result r = CodexProcess.run(work, user.env(model), null, "exec", "--json", "say it through mcp");
            assertEquals(0, r.exitCode(), r.stderr());
            List<JsonObject> items = r.stdoutLines().stream().map(JsonObject::new)
                    .filter(e -> e.getJsonObject("item") != null
                            && "mcp_tool_call".equals(e.getJsonObject("item").getString("type"))).toList();
            assertEquals(List.of("item.started", "item.completed"), items.stream().map(e -> e.getString("type")).toList(),
                    r.stdout());
            JsonObject started = items.get(0).getJsonObject("item");
            JsonObject done = items.get(1).getJsonObject("item");
            assertEquals(started.getString("id"), done.getString("id"));
            assertEquals("everything", done.getString("server"));
            assertEquals("echo", done.getString("tool"));
            assertEquals(new JsonObject().put("message", "via mcp"), done.getJsonObject("arguments"));
            assertEquals("in_progress", started.getString("status"));
            assertEquals("completed", done.getString("status"), done.encode());
            assertEquals("Echo: via mcp", done.getJsonObject("result").getJsonArray("content").getJsonObject(0).getString("text"));
            assertTrue(done.containsKey("error") && done.getValue("error") == null, done.encode());
        }
    }

    @Test
    void aServerThatCrashesMidCall_givesTheModelAnError_andTheTurnEnds() throws Exception {
        Path script = tmp.resolve("crasher.mjs");
        Files.writeString(script, """
                import readline from 'node:readline';
                const rl = readline.createInterface({ input: process.stdin });
                const send = (m) => process.stdout.write(JSON.stringify(m) + '\\n');
                rl.on('line', (line) => {
                  const m = JSON.parse(line);
                  if (m.method === 'initialize') {
                    send({ jsonrpc: '2.0', id: m.id, result: { protocolVersion: m.params.protocolVersion,
                      capabilities: { tools: {} }, serverInfo: { name: 'crasher', version: '1' } } });
                  } else if (m.method === 'tools/list') {
                    send({ jsonrpc: '2.0', id: m.id, result: { tools: [{ name: 'boom', inputSchema: { type: 'object' } }] } });
                  } else if (m.method === 'tools/call') {
                    console.error('boom: out of cheese');
                    process.exit(9);
                  }
                });
                """);
        Files.writeString(home.resolve("config.toml"), "[mcp_servers.crasher]\n" + toml(List.of(NpmTools.node(), script.toString())));
        try (FakeModelServer model = new FakeModelServer(List.of(
                FakeModelServer.sse(FakeModelServer.toolCalls("r1", List.of(mcpCall("c1", "crasher__boom", new JsonObject())))),
                FakeModelServer.sse(FakeModelServer.textResponse("r2", "the tool crashed"))))) {
            long start = System.nanoTime();
            CodexProcess.Result r = CodexProcess.run(work, user.env(model), null, "exec", "boom please");
            long seconds = (System.nanoTime() - start) / 1_000_000_000L;
            assertEquals(0, r.exitCode(), r.stderr());
            String output = outputFor(model.requests().get(1), "c1");
            assertTrue(output.startsWith("error: MCP server 'crasher'"), output);
            assertTrue(output.contains("exited with code 9 during tools/call 'boom'"), output);
            assertTrue(output.contains("boom: out of cheese"), output);
            assertEquals("the tool crashed\n", r.stdout());
            assertTrue(seconds < 50, "took " + seconds + " s: the crash must not wait for the 60 s tool timeout");
        }
    }
}

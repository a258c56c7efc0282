package codex.mcp.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import codex.mcp.NpmTools;
import io.modelcontextprotocol.spec.McpSchema;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Our client against the reference servers from npm, and against servers that misbehave. */
class McpConnectionTest {
    private final Vertx vertx = Vertx.vertx();

    @TempDir
    Path tmp;

    @AfterEach
    void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static McpServerSpec stdio(String name, List<String> commandLine) {
        return McpServerSpec.stdio(name, commandLine.get(0), commandLine.subList(1, commandLine.size()));
    }

    private static <T> T await(Future<T> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    private static McpClientException failure(Future<?> f) throws Exception {
        try {
            await(f);
        } catch (ExecutionException e) {
            return assertInstanceOf(McpClientException.class, e.getCause());
        }
        throw new AssertionError("expected a failure");
    }

    private static String text(McpSchema.CallToolResult result) {
        return ((McpSchema.TextContent) result.content().get(0)).text();
    }

    @Test
    void everythingServer_listsAndCallsTools_resultsOnTheOpeningContext() throws Exception {
        McpServerSpec spec = stdio("everything",
                NpmTools.nodeScript("@modelcontextprotocol/server-everything/dist/index.js", "stdio"));
        io.vertx.core.Context ctx = vertx.getOrCreateContext();
        java.util.concurrent.CompletableFuture<McpConnection> opened = new java.util.concurrent.CompletableFuture<>();
        ctx.runOnContext(v -> McpConnection.open(vertx, spec, null).onComplete(ar -> {
            if (Vertx.currentContext() != ctx) {
                opened.completeExceptionally(new AssertionError("completed off the opening context"));
            } else if (ar.succeeded()) {
                opened.complete(ar.result());
            } else {
                opened.completeExceptionally(ar.cause());
            }
        }));
        McpConnection c = opened.get(30, TimeUnit.SECONDS);
        try {
            assertEquals("mcp-servers/everything", c.initializeResult().serverInfo().name());
            List<String> names = await(c.listTools()).stream().map(McpSchema.Tool::name).toList();
            assertTrue(names.containsAll(List.of("echo", "get-sum")), names.toString());

            McpSchema.CallToolResult echo = await(c.callTool("echo", Map.of("message", "hello from java")));
            assertEquals("Echo: hello from java", text(echo));
            McpSchema.CallToolResult sum = await(c.callTool("get-sum", Map.of("a", 2, "b", 3)));
            assertEquals("The sum of 2 and 3 is 5.", text(sum));
        } finally {
            await(c.close());
        }
    }

    @Test
    void filesystemServer_readsAFile_andRefusesOutsideItsRoot() throws Exception {
        Path root = Files.createDirectory(tmp.resolve("root")).toRealPath();
        Files.writeString(root.resolve("notes.txt"), "line one\nline two\n");
        Files.writeString(tmp.resolve("secret.txt"), "not for you");
        McpServerSpec spec = stdio("fs",
                NpmTools.nodeScript("@modelcontextprotocol/server-filesystem/dist/index.js", root.toString()));
        McpConnection c = await(McpConnection.open(vertx, spec, null));
        try {
            McpSchema.CallToolResult read = await(c.callTool("read_text_file", Map.of("path", root.resolve("notes.txt").toString())));
            assertEquals("line one\nline two\n", text(read));
            McpSchema.CallToolResult refused = await(c.callTool("read_text_file",
                    Map.of("path", tmp.toRealPath().resolve("secret.txt").toString())));
            assertTrue(Boolean.TRUE.equals(refused.isError()), refused.toString());
            assertTrue(!text(refused).contains("not for you"));
        } finally {
            await(c.close());
        }
    }

    @Test
    void aCommandThatCannotStart_saysSo() throws Exception {
        McpClientException e = failure(McpConnection.open(vertx,
                McpServerSpec.stdio("ghost", tmp.resolve("no-such-server").toString(), List.of()), null));
        assertEquals(McpClientException.Kind.START_FAILED, e.kind());
        assertTrue(e.getMessage().startsWith("MCP server 'ghost' could not start: Cannot run program"), e.getMessage());
        assertTrue(e.getMessage().contains("No such file or directory"), e.getMessage());
    }

    @Test
    void aServerThatExitsBeforeInitialize_givesItsCodeAndStderr() throws Exception {
        McpClientException e = failure(McpConnection.open(vertx,
                McpServerSpec.stdio("quitter", "sh", List.of("-c", "echo 'missing API key' >&2; exit 3")), null));
        assertEquals(McpClientException.Kind.EXITED, e.kind());
        assertTrue(e.getMessage().contains("exited with code 3 before answering initialize"), e.getMessage());
        assertTrue(e.getMessage().endsWith("its stderr ends:\nmissing API key"), e.getMessage());
    }

    @Test
    void aServerThatNeverAnswers_timesOut_andIsKilled() throws Exception {
        Path pidFile = tmp.resolve("pid");
        McpServerSpec spec = McpServerSpec.stdio("mute", "sh", List.of("-c", "echo $$ > " + pidFile + "; exec sleep 60"))
                .withTimeouts(Duration.ofMillis(1500), null);
        long start = System.nanoTime();
        McpClientException e = failure(McpConnection.open(vertx, spec, null));
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertEquals(McpClientException.Kind.TIMEOUT, e.kind());
        assertTrue(e.getMessage().contains("did not answer initialize within 1500 ms"), e.getMessage());
        assertTrue(ms < 5000, "gave up after " + ms + " ms");
        long pid = Long.parseLong(Files.readString(pidFile).trim());
        long deadline = System.currentTimeMillis() + 8000;
        while (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) && System.currentTimeMillis() < deadline) {
            Thread.sleep(100);
        }
        assertTrue(!ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "the hung server was killed");
    }

    /** A node MCP server that answers initialize and tools/list, then crashes or hangs on tools/call. */
    private McpServerSpec misbehaving(String onCall) throws Exception {
        return scripted("{ tools: {} }", onCall);
    }

    private McpServerSpec scripted(String capabilities, String onCall) throws Exception {
        Path script = tmp.resolve("bad-server.mjs");
        Files.writeString(script, """
                import readline from 'node:readline';
                const rl = readline.createInterface({ input: process.stdin });
                const send = (m) => process.stdout.write(JSON.stringify(m) + '\\n');
                rl.on('line', (line) => {
                  const m = JSON.parse(line);
                  if (m.method === 'initialize') {
                    send({ jsonrpc: '2.0', id: m.id, result: { protocolVersion: m.params.protocolVersion,
                      capabilities: CAPABILITIES, serverInfo: { name: 'bad', version: '1' } } });
                  } else if (m.method === 'tools/list') {
                    send({ jsonrpc: '2.0', id: m.id, result: { tools: [{ name: 'boom', inputSchema: { type: 'object' } }] } });
                  } else if (m.method === 'tools/call') {
                    ON_CALL
                  }
                });
                """.replace("ON_CALL", onCall).replace("CAPABILITIES", capabilities));
        return McpServerSpec.stdio("bad", NpmTools.node(), List.of(script.toString()))
                .withTimeouts(Duration.ofSeconds(10), Duration.ofMillis(1500));
    }

    /** The conformance suite's client "initialize" scenario: a server without tools has none, and that is no error. */
    @Test
    void aServerWithoutTheToolsCapability_hasNoTools_andIsNotAsked() throws Exception {
        McpConnection c = await(McpConnection.open(vertx, scripted("{}", ""), null));
        assertTrue(!c.offersTools());
        assertEquals(List.of(), await(c.listTools()));
        await(c.close());
    }

    @Test
    void aServerThatCrashesMidCall_failsTheCallAtOnce() throws Exception {
        McpConnection c = await(McpConnection.open(vertx,
                misbehaving("console.error('segfault in boom'); process.exit(7);"), null));
        assertEquals(List.of("boom"), await(c.listTools()).stream().map(McpSchema.Tool::name).toList());
        long start = System.nanoTime();
        McpClientException e = failure(c.callTool("boom", Map.of()));
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertEquals(McpClientException.Kind.EXITED, e.kind(), e.getMessage());
        assertTrue(e.getMessage().contains("exited with code 7 during tools/call 'boom'"), e.getMessage());
        assertTrue(e.getMessage().contains("segfault in boom"), e.getMessage());
        assertTrue(ms < 1500, "failed after " + ms + " ms, not at the tool timeout");
        McpClientException again = failure(c.callTool("boom", Map.of()));
        assertEquals(McpClientException.Kind.EXITED, again.kind());
        await(c.close());
    }

    @Test
    void aServerThatHangsMidCall_timesOutAtTheToolTimeout() throws Exception {
        McpConnection c = await(McpConnection.open(vertx, misbehaving("/* never answers */"), null));
        McpClientException e = failure(c.callTool("boom", Map.of()));
        assertEquals(McpClientException.Kind.TIMEOUT, e.kind());
        assertTrue(e.getMessage().contains("did not answer tools/call 'boom' within 1500 ms"), e.getMessage());
        await(c.close());
    }
}

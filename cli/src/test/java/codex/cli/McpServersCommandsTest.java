package codex.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code codex mcp list|get|add|remove} on a user's config.toml: its comments and order kept, and
 * the same output, JSON, messages and exit codes as today's Codex (the expected texts below were
 * taken from Codex 0.171.0; with the real CLI in .tools/codex the same steps are also run there
 * and compared).
 */
class McpServersCommandsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String USERS = """
            # my config
            model = "o3" # keep

            # the docs server, for reading
            [mcp_servers.alpha]
            command = "node" # which node
            args = ["a.js"]
            cwd = "/srv"
            startup_timeout_sec = 20
            tool_timeout_sec = 30.5
            enabled_tools = ["x"]
            disabled_tools = ["y"]
            env = { K = "v" }

            [mcp_servers.plain] # no token: what it needs is unknown
            url = "http://h/mcp"

            [profiles.x]
            model = "o4-mini"
            """;

    @TempDir
    Path tmp;

    record Run(int code, String out, String err) {
        /** The error line a user sees (the real CLI adds warnings and a backtrace around it). */
        String errorLine() {
            return err.lines().filter(l -> l.startsWith("Error:") || l.startsWith("error:")).findFirst().orElse("");
        }
    }

    private Run ours(Path home, String... args) throws Exception {
        CodexProcess.Result r = CodexProcess.run(tmp, Map.of("CODEX_HOME", home.toString()), null, args);
        return new Run(r.exitCode(), r.stdout(), r.stderr());
    }

    private static Run real(Path binary, Path home, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(binary.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("CODEX_HOME", home.toString());
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        byte[] err = p.getErrorStream().readAllBytes();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
    }

    /** The steps, each: arguments, then what we check of it. */
    private static final List<List<String>> STEPS = List.of(
            List.of("mcp", "add", "docs", "--", "npx", "-y", "@modelcontextprotocol/server-everything", "stdio"),
            List.of("mcp", "add", "web", "--url", "https://example.com/mcp", "--bearer-token-env-var", "TOK"),
            List.of("mcp", "add", "envy", "--env", "A=1", "--env", "B=two", "--", "node", "server.js", "--flag"),
            List.of("mcp", "list"),
            List.of("mcp", "list", "--json"),
            List.of("mcp", "get", "alpha"),
            List.of("mcp", "get", "web"),
            List.of("mcp", "get", "envy", "--json"),
            List.of("mcp", "get", "nope"),
            List.of("mcp", "add", "bad name", "--", "x"),
            List.of("mcp", "add", "noc"),
            List.of("mcp", "add", "both", "--url", "http://x", "--", "cmd"),
            List.of("mcp", "add", "e2", "--env", "NOEQ", "--", "x"),
            List.of("mcp", "remove", "web"),
            List.of("mcp", "remove", "web"));

    private List<Run> runAll(java.util.function.Function<String[], Run> codex) {
        List<Run> runs = new ArrayList<>();
        for (List<String> step : STEPS) {
            runs.add(codex.apply(step.toArray(String[]::new)));
        }
        return runs;
    }

    @Test
    void manageServers_keepsTheUsersFile_andAnswersAsTodaysCodex() throws Exception {
        Path home = Files.createDirectories(tmp.resolve("ours"));
        Run empty = ours(home, "mcp", "list");
        assertEquals("No MCP servers configured yet. Try `codex mcp add my-tool -- my-command`.\n", empty.out());
        assertEquals("[]\n", ours(home, "mcp", "list", "--json").out());
        Run login = ours(home, "mcp", "login", "web");
        assertEquals(2, login.code());
        assertTrue(login.err().startsWith("error: 'codex mcp login' is not supported by codex-vertx: use a bearer token"),
                login.err());
        Files.writeString(home.resolve("config.toml"), USERS);
        List<Run> runs = runAll(args -> {
            try {
                return ours(home, args);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        assertEquals("Added global MCP server 'docs'.\n", runs.get(0).out(), runs.get(0).err());
        assertEquals(0, runs.get(0).code());
        assertEquals(String.join("\n",
                "Name   Command  Args                                              Env               Cwd   Status   Auth       ",
                "alpha  node     a.js                                              K=*****           /srv  enabled  Unsupported",
                "docs   npx      -y @modelcontextprotocol/server-everything stdio  -                 -     enabled  Unsupported",
                "envy   node     server.js --flag                                  A=*****, B=*****  -     enabled  Unsupported",
                "",
                "Name   Url                      Bearer Token Env Var  Status   Auth        ",
                "plain  http://h/mcp             -                     enabled  Unknown     ",
                "web    https://example.com/mcp  TOK                   enabled  Bearer token",
                ""), runs.get(3).out());
        assertEquals("""
                alpha
                  enabled: true
                  enabled_tools: x
                  disabled_tools: y
                  transport: stdio
                  command: node
                  args: a.js
                  cwd: /srv
                  env: K=*****
                  startup_timeout_sec: 20
                  tool_timeout_sec: 30.5
                  remove: codex mcp remove alpha
                """, runs.get(5).out());
        assertEquals(JSON.readTree("""
                {"name": "envy", "enabled": true, "disabled_reason": null,
                 "transport": {"type": "stdio", "command": "node", "args": ["server.js", "--flag"],
                               "env": {"A": "1", "B": "two"}, "env_vars": [], "cwd": null},
                 "enabled_tools": null, "disabled_tools": null, "startup_timeout_sec": null, "tool_timeout_sec": null}"""),
                JSON.readTree(runs.get(7).out()));
        assertEquals(1, runs.get(8).code());
        assertEquals("Error: No MCP server named 'nope' found.", runs.get(8).errorLine());
        assertEquals(1, runs.get(9).code());
        assertEquals("Error: invalid server name 'bad name' (use letters, numbers, '-', '_', ':', '@', '/', '.')",
                runs.get(9).errorLine());
        assertEquals(2, runs.get(10).code());
        assertEquals(2, runs.get(11).code());
        assertEquals(2, runs.get(12).code());
        assertEquals("Removed global MCP server 'web'.\n", runs.get(13).out());
        assertEquals("No MCP server named 'web' found.\n", runs.get(14).out());
        assertEquals(0, runs.get(14).code());

        // the user's lines are all still there, in their order; the new servers follow the last one
        assertEquals(USERS.replace("\n[profiles.x]", """

                [mcp_servers.docs]
                command = "npx"
                args = ["-y", "@modelcontextprotocol/server-everything", "stdio"]

                [mcp_servers.envy]
                command = "node"
                args = ["server.js", "--flag"]

                [mcp_servers.envy.env]
                A = "1"
                B = "two"

                [profiles.x]"""), Files.readString(home.resolve("config.toml")));

        // side by side with the real CLI, when it is installed
        Path binary = realCodexOrNull();
        if (binary == null) {
            return;
        }
        Path realHome = Files.createDirectories(tmp.resolve("real"));
        Files.writeString(realHome.resolve("config.toml"), USERS);
        List<Run> theirs = runAll(args -> {
            try {
                return real(binary, realHome, args);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        for (int i = 0; i < STEPS.size(); i++) {
            Run a = runs.get(i);
            Run b = theirs.get(i);
            String step = String.join(" ", STEPS.get(i));
            assertEquals(b.code(), a.code(), step + "\nours: " + a + "\nreal: " + b);
            if (STEPS.get(i).contains("--json")) {
                assertEquals(JSON.readTree(b.out()), JSON.readTree(a.out()), step);
            } else {
                assertEquals(b.out(), a.out(), step);
            }
            if (a.code() != 0 && a.code() != 2) {
                assertEquals(b.errorLine(), a.errorLine(), step);
            }
        }
    }

    private static Path realCodexOrNull() {
        try {
            return CodexJsonSchemaComparisonTest.codexBinary();
        } catch (org.opentest4j.TestAbortedException e) {
            return null;
        }
    }
}

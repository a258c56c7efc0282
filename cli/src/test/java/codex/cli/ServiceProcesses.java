package codex.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * `codex service … NAMES` processes of one test cluster, each started and waited for until it
 * has joined; closing stops every one still running (SIGTERM, then SIGKILL after 15 s).
 */
final class ServiceProcesses implements AutoCloseable {
    private final Path dir;
    private final String cluster;
    private final CodexProcesses processes;

    /** @param dir where each process's stderr goes ({@code NAME.err}) */
    ServiceProcesses(Path dir, String cluster) {
        this.dir = dir;
        this.cluster = cluster;
        this.processes = new CodexProcesses(dir);
    }

    /** Starts `codex service --cluster-name CLUSTER SERVICES` with {@code env} and waits for "joined cluster". */
    Process start(String name, Map<String, String> env, String... services) throws Exception {
        List<String> args = new ArrayList<>(List.of("service", "--cluster-name", cluster));
        args.addAll(List.of(services));
        CodexProcesses.Started started = processes.start(env, name, args.toArray(String[]::new));
        assertTrue(started.line().contains("joined cluster"), name + ": " + started.line());
        return started.process();
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
        processes.close();
    }
}

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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * `codex ARGS` processes of a fault test, run in {@code dir} with their stderr in {@code NAME.err};
 * closing stops every one still running (SIGTERM, then SIGKILL after 15 s).
 */
final class CodexProcesses implements AutoCloseable {
    /** A started process and the first line it printed (its ready line). */
    record Started(Process process, String line) { }

    private final Path dir;
    private final List<Process> processes = new ArrayList<>();

    CodexProcesses(Path dir) {
        this.dir = dir;
    }

    /**
     * Starts `codex ARGS` with {@code env} on top of ours and waits up to 120 s for its first line
     * (a process that fails without exiting, Hazelcast's threads still up, must not hang the test);
     * the rest of its stdout is drained.
     */
    Started start(Map<String, String> env, String name, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", CodexProcess.classpath(), "codex.cli.CodexMain"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
        pb.environment().putAll(TestClusters.environment(List.of(args)));
        pb.environment().putAll(env);
        Path err = dir.resolve(name + ".err");
        pb.redirectError(ProcessBuilder.Redirect.appendTo(err.toFile()));
        Process p = pb.start();
        processes.add(p);
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<String> first = CompletableFuture.supplyAsync(() -> {
            try {
                return out.readLine();
            } catch (IOException e) {
                return null;
            }
        });
        String line;
        try {
            line = first.get(120, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            line = null;
        }
        assertTrue(line != null, name + " printed nothing: " + Files.readString(err));
        drainInBackground(out);
        return new Started(p, line);
    }

    /** Reads the rest of a process's output on a daemon thread, so its pipe never fills and blocks it. */
    static void drainInBackground(BufferedReader out) {
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

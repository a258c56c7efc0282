package codex.notifier;

import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Runs the one {@code notify} argv it was configured with, the payload as one more argument (it
 * has no way to run another program). Fire and forget:
 * it never fails the caller, and each distinct problem (missing program, non-zero exit) is
 * reported once per process so a broken notifier does not flood the log.
 */
public final class NotifyProgramRunner {
    private final List<String> program;
    private final Consumer<String> warn;
    private final Set<String> reported = ConcurrentHashMap.newKeySet();
    private final long waitSeconds;

    /** @param program argv of the notify program from this process's configuration; empty: notify nothing */
    public NotifyProgramRunner(List<String> program, Consumer<String> warn, long waitSeconds) {
        this.program = program == null ? List.of() : List.copyOf(program);
        this.warn = warn;
        this.waitSeconds = waitSeconds;
    }

    /**
     * Blocking: starts the program and waits (bounded) for its exit. Call from a worker thread.
     *
     * @return whether the program was started (false: none configured, or it could not start)
     */
    public boolean run(String payload) {
        if (this.program.isEmpty()) {
            return false;
        }
        List<String> argv = new ArrayList<>(this.program);
        argv.add(payload);
        String program = this.program.get(0);
        try {
            Process p = new ProcessBuilder(argv)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            if (!p.waitFor(waitSeconds, TimeUnit.SECONDS)) {
                // Left running on purpose: a slow notifier (a desktop popup) must not be killed mid-way.
                return true;
            }
            if (p.exitValue() != 0) {
                warnOnce(program + ":exit", "notify program '" + program + "' exited with status " + p.exitValue());
            }
            return true;
        } catch (IOException e) {
            warnOnce(program + ":start", "notify program '" + program + "' could not be started: " + e.getMessage()
                    + " (check `notify` in config.toml)");
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        }
    }

    private void warnOnce(String key, String message) {
        if (reported.add(key)) {
            warn.accept(message);
        }
    }
}

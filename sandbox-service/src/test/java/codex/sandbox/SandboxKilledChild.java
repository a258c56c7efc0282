package codex.sandbox;

import java.nio.file.Path;
import java.util.List;

/**
 * A sandbox service stand-in for {@link CommandsDieWithTheSandboxTest}: starts one long command
 * with children, says whether cgroups hold it, and waits to be killed.
 */
public final class SandboxKilledChild {
    private SandboxKilledChild() {
    }

    public static void main(String[] args) throws Exception {
        Path work = Path.of(args[0]);
        SandboxedExecutor executor = new SandboxedExecutor();
        String script = "echo $$ > pids; sleep 30 & echo $! >> pids; (sleep 3; echo late > late.txt) & echo $! >> pids;"
                + " setsid sleep 31 & echo $! > setsid-pid; echo ready > ready; wait";
        executor.start(new ExecRequest(List.of("sh", "-c", script), work, EnvPolicy.childEnvironment(), 60_000,
                "unrestricted".equals(args[1]) ? Sandboxes.perms("disk-full-write-access", "network-full-access")
                        : Sandboxes.perms("disk-full-read-access", "disk-write-cwd"),
                ExecRequest.DEFAULT_MAX_OUTPUT_BYTES, false),
                OutputListener.NONE);
        System.out.println("cgroups=" + executor.describeLimits().contains("cgroup v1 pids"));
        System.out.flush();
        Thread.sleep(120_000);
    }
}

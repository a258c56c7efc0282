package codex.sandbox.bench;

import codex.protocol.SandboxPermission;
import codex.sandbox.EnvPolicy;
import codex.sandbox.ExecRequest;
import codex.sandbox.ExecResult;
import codex.sandbox.SandboxedExecutor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Warm spawn cost: `true` under the sandbox (Landlock + seccomp, disk-write-cwd) against `true`
 * with no restriction, both through the same warm executor, plus ProcessBuilder for reference.
 * Runs are interleaved so drift hits all series alike. Usage: SpawnBenchmark [runs] (default 2000).
 */
public final class SpawnBenchmark {
    private SpawnBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        int warmup = Math.max(200, runs / 10);
        Path cwd = Files.createTempDirectory("codex-spawn-bench");
        Map<String, String> env = EnvPolicy.childEnvironment();
        List<String> argv = List.of("true");
        ExecRequest sandboxed = new ExecRequest(argv, cwd, env, 10_000,
                SandboxPermission.parseAll(List.of("disk-write-cwd")), ExecRequest.DEFAULT_MAX_OUTPUT_BYTES, false);
        ExecRequest unsandboxed = new ExecRequest(argv, cwd, env, 10_000,
                SandboxPermission.parseAll(List.of("disk-full-write-access", "network-full-access")),
                ExecRequest.DEFAULT_MAX_OUTPUT_BYTES, false);
        long[] sandboxedNs = new long[runs];
        long[] unsandboxedNs = new long[runs];
        long[] processBuilderNs = new long[runs];
        try (SandboxedExecutor executor = new SandboxedExecutor()) {
            System.out.print(executor.support().describe());
            for (int i = 0; i < warmup; i++) {
                time(executor, sandboxed);
                time(executor, unsandboxed);
                timeProcessBuilder(cwd);
            }
            for (int i = 0; i < runs; i++) {
                sandboxedNs[i] = time(executor, sandboxed);
                unsandboxedNs[i] = time(executor, unsandboxed);
                processBuilderNs[i] = timeProcessBuilder(cwd);
            }
        } finally {
            Files.deleteIfExists(cwd);
        }
        System.out.printf("runs per series: %d (after %d warm-up runs each), command: true%n", runs, warmup);
        System.out.println(row("sandboxed (Landlock+seccomp)", sandboxedNs));
        System.out.println(row("unsandboxed (same executor)", unsandboxedNs));
        System.out.println(row("ProcessBuilder (reference)", processBuilderNs));
        double overheadP50 = percentile(sandboxedNs, 50) - percentile(unsandboxedNs, 50);
        double overheadP99 = percentile(sandboxedNs, 99) - percentile(unsandboxedNs, 99);
        System.out.printf("sandbox overhead: p50 %+.3f ms, p99 %+.3f ms (target: p50 <= 4 ms) -> %s%n",
                overheadP50 / 1e6, overheadP99 / 1e6, overheadP50 <= 4e6 ? "MET" : "MISSED");
    }

    private static long time(SandboxedExecutor executor, ExecRequest request) {
        long t0 = System.nanoTime();
        ExecResult r = executor.run(request);
        long t = System.nanoTime() - t0;
        if (r.exitCode() != 0) {
            throw new IllegalStateException("`true` failed: " + r);
        }
        return t;
    }

    private static long timeProcessBuilder(Path cwd) throws Exception {
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder("true").directory(cwd.toFile()).start();
        p.getInputStream().readAllBytes();
        p.getErrorStream().readAllBytes();
        int code = p.waitFor();
        long t = System.nanoTime() - t0;
        if (code != 0) {
            throw new IllegalStateException("`true` failed: " + code);
        }
        return t;
    }

    private static String row(String name, long[] ns) {
        return String.format("%-30s p50 %7.3f ms   p90 %7.3f ms   p99 %7.3f ms   mean %7.3f ms", name,
                percentile(ns, 50) / 1e6, percentile(ns, 90) / 1e6, percentile(ns, 99) / 1e6,
                Arrays.stream(ns).average().orElse(0) / 1e6);
    }

    private static double percentile(long[] values, double p) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(index, sorted.length - 1))];
    }
}

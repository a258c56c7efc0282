package codex.sandbox.bench;

import codex.protocol.SandboxPermission;
import codex.sandbox.CommandLimits;
import codex.sandbox.EnvPolicy;
import codex.sandbox.ExecRequest;
import codex.sandbox.ExecResult;
import codex.sandbox.SandboxedExecutor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The sandbox's side of the load benchmark, without the agent: N sessions at once, each S times
 * {@code bash -c 'echo step >> steps.log'} (disk-full-read-access + disk-write-cwd), then 50 ms of
 * "model" on a timer. Prints command latency p50/p99, throughput, errors and the peak thread count.
 * Usage: ConcurrentSpawnBenchmark [sessions] [steps] [limits: default|none]
 */
public final class ConcurrentSpawnBenchmark {
    private ConcurrentSpawnBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int sessions = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        int steps = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        CommandLimits limits = args.length > 2 && args[2].equals("none") ? CommandLimits.NONE : CommandLimits.defaults();
        Path cwd = Files.createTempDirectory("codex-concurrent-spawn");
        Map<String, String> env = EnvPolicy.childEnvironment();
        ExecRequest request = new ExecRequest(List.of("bash", "-c", "echo step >> steps.log"), cwd, env, 60_000,
                SandboxPermission.parseAll(List.of("disk-full-read-access", "disk-write-cwd")),
                ExecRequest.DEFAULT_MAX_OUTPUT_BYTES, false);
        if (args.length > 3) { // one diagnostic script, printed
            try (SandboxedExecutor executor = new SandboxedExecutor(limits)) {
                ExecResult r = executor.run(new ExecRequest(List.of("bash", "-c", args[3]), cwd, env, 60_000,
                        request.permissions(), ExecRequest.DEFAULT_MAX_OUTPUT_BYTES, false));
                System.out.println("exit " + r.exitCode() + "\n" + r.stdout() + r.stderr());
            }
            return;
        }
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        List<Double> latencies = Collections.synchronizedList(new ArrayList<>());
        ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
        AtomicInteger peakThreads = new AtomicInteger();
        try (SandboxedExecutor executor = new SandboxedExecutor(limits)) {
            for (int i = 0; i < 50; i++) {
                executor.run(request);
            }
            ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
            sampler.scheduleAtFixedRate(() -> peakThreads.accumulateAndGet(Thread.activeCount(), Math::max),
                    0, 100, TimeUnit.MILLISECONDS);
            long start = System.nanoTime();
            List<CompletableFuture<Void>> all = new ArrayList<>();
            for (int s = 0; s < sessions; s++) {
                CompletableFuture<Void> done = new CompletableFuture<>();
                loop(executor, request, timer, steps, latencies, errors, done);
                all.add(done);
            }
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(600, TimeUnit.SECONDS);
            double wall = (System.nanoTime() - start) / 1e9;
            sampler.shutdownNow();
            List<Double> sorted = new ArrayList<>(latencies);
            Collections.sort(sorted);
            System.out.printf("%d sessions x %d steps (%s): %.1f commands/s, command p50 %.1f ms, p99 %.1f ms, max %.1f ms,"
                            + " errors %d, peak threads %d, wall %.1f s%n", sessions, steps, limits.any() ? "limits" : "no limits",
                    sorted.size() / wall, pct(sorted, 50), pct(sorted, 99), sorted.get(sorted.size() - 1), errors.size(),
                    peakThreads.get(), wall);
            errors.stream().limit(3).forEach(e -> System.out.println("  error: " + e));
        } finally {
            timer.shutdownNow();
            Files.deleteIfExists(cwd.resolve("steps.log"));
            Files.deleteIfExists(cwd);
        }
    }

    private static void loop(SandboxedExecutor executor, ExecRequest request, ScheduledExecutorService timer, int left,
                             List<Double> latencies, ConcurrentLinkedQueue<String> errors, CompletableFuture<Void> done) {
        if (left == 0) {
            done.complete(null);
            return;
        }
        timer.schedule(() -> {
            long t0 = System.nanoTime();
            executor.start(request, null).result().whenComplete((ExecResult r, Throwable e) -> {
                latencies.add((System.nanoTime() - t0) / 1e6);
                if (e != null) {
                    errors.add(e.toString());
                } else if (r.exitCode() != 0) {
                    errors.add("exit " + r.exitCode() + ": " + r.stderr());
                }
                loop(executor, request, timer, left - 1, latencies, errors, done);
            });
        }, 50, TimeUnit.MILLISECONDS);
    }

    private static double pct(List<Double> sorted, double p) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100 * sorted.size()) - 1));
    }
}

package codex.cli.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Cluster join: three processes started one after another on loopback, as the README's example
 * (`codex service sandbox notifier`, `codex service agent`, `codex serve --cluster --services
 * gateway`), each waited for until it says it is ready (wall time from spawn to that line, and the
 * process's own "ready in" figure, which leaves out the JVM's start).
 */
final class ClusterBench {
    private static final Pattern READY_IN = Pattern.compile("ready in (\\d+) ms");

    private final Path codex;
    private final Path work;
    private final boolean smoke;

    ClusterBench(Path codex, Path work, boolean smoke) {
        this.codex = codex;
        this.work = work;
        this.smoke = smoke;
    }

    JsonObject run() throws Exception {
        int runs = smoke ? 1 : 5;
        System.out.printf("cluster: sandbox+notifier, agent, gateway started in turn, %d run(s), load %s%n", runs, BenchMain.load());
        Map<String, List<Double>> walls = new LinkedHashMap<>();
        Map<String, List<Double>> own = new LinkedHashMap<>();
        for (int run = 0; run < runs; run++) {
            String name = "bench-join-" + ProcessHandle.current().pid() + "-" + run;
            Path home = work.resolve("cluster-home");
            BenchMain.deleteTree(home);
            Files.createDirectories(home);
            List<Process> started = new ArrayList<>();
            try {
                String[][] members = {
                        {"sandbox+notifier", "service", "sandbox", "notifier"},
                        {"agent", "service", "agent"},
                        {"gateway", "serve", "--cluster", "--services", "gateway", "--port", "0"}};
                for (String[] m : members) {
                    List<String> cmd = new ArrayList<>(List.of(codex.toString()));
                    cmd.addAll(List.of(m).subList(1, m.length));
                    cmd.addAll(List.of("--cluster-name", name));
                    ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(work.resolve("cluster-" + m[0] + ".err").toFile())
                            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
                    pb.environment().put("CODEX_HOME", home.toString());
                    pb.environment().put("OPENAI_API_KEY", "bench");
                    pb.environment().put("CODEX_SERVE_TOKEN", "bench-token-0123456789abcdef");
                    long t0 = System.nanoTime();
                    Process p = pb.start();
                    started.add(p);
                    BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
                    String line;
                    String ready = null;
                    while ((line = out.readLine()) != null) {
                        if (line.contains("joined cluster") || line.contains("listening on")) {
                            ready = line;
                            break;
                        }
                    }
                    double wall = (System.nanoTime() - t0) / 1e9;
                    if (ready == null) {
                        throw new IllegalStateException(m[0] + " exited before it was ready: "
                                + BenchMain.tail(Files.readString(work.resolve("cluster-" + m[0] + ".err")), 400));
                    }
                    drain(out);
                    walls.computeIfAbsent(m[0], k -> new ArrayList<>()).add(wall);
                    Matcher r = READY_IN.matcher(ready);
                    if (r.find()) {
                        own.computeIfAbsent(m[0], k -> new ArrayList<>()).add(Long.parseLong(r.group(1)) / 1000.0);
                    }
                }
            } finally {
                for (Process p : started) {
                    p.destroy();
                }
                for (Process p : started) {
                    if (!p.waitFor(15, TimeUnit.SECONDS)) {
                        p.destroyForcibly();
                    }
                }
            }
        }
        JsonObject services = new JsonObject();
        for (String svc : walls.keySet()) {
            JsonObject s = new JsonObject()
                    .put("ready_s", new JsonArray(walls.get(svc).stream().map(w -> BenchMain.round(w, 2)).toList()))
                    .put("ready_median_s", BenchMain.round(BenchMain.median(walls.get(svc)), 2));
            if (own.containsKey(svc)) {
                s.put("own_ready_median_s", BenchMain.round(BenchMain.median(own.get(svc)), 2));
            }
            services.put(svc, s);
        }
        JsonObject r = new JsonObject().put("runs", runs).put("services", services).put("load_after", BenchMain.load());
        System.out.println("cluster: " + r.encode());
        return r;
    }

    private static void drain(BufferedReader out) {
        Thread t = new Thread(() -> {
            try {
                while (out.readLine() != null) {
                    // keep the pipe empty
                }
            } catch (Exception ignored) {
                // ended
            }
        });
        t.setDaemon(true);
        t.start();
    }
}

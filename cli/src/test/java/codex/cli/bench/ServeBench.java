package codex.cli.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The benchmarks through {@code codex serve}'s HTTP API on 127.0.0.1: streaming latency (a model
 * delta's send time at the scripted model → its arrival as an SSE event at a client of the
 * gateway, both clocks in this JVM) and the load benchmark (N concurrent sessions, each one turn of
 * S tool steps, the model waiting 50 ms per response, every session's events read over SSE).
 */
final class ServeBench {
    private static final String TOKEN = "bench-token-0123456789abcdef";
    private static final Pattern DELTA = Pattern.compile("<(\\d+)>");
    private static final Pattern TOTAL = Pattern.compile("^Total\\s+(\\d+)\\s+(\\d+)");

    private final Path codex;
    private final Path work;
    private final boolean smoke;

    ServeBench(Path codex, Path work, boolean smoke) {
        this.codex = codex;
        this.work = work;
        this.smoke = smoke;
    }

    /** A running `codex serve --port 0`: its pid, its API base, the HTTP client talking to it. */
    private static final class Serve implements AutoCloseable {
        final Process process;
        final int port;

        Serve(Path codex, Path home, String modelUrl) throws Exception {
            BenchMain.deleteTree(home);
            Files.createDirectories(home);
            String config = System.getProperty("bench.serve.config"); // e.g. "[sandbox]\nmax_processes = 0"
            if (config != null) {
                Files.writeString(home.resolve("config.toml"), config.replace("\\n", "\n") + "\n");
            }
            ProcessBuilder pb = new ProcessBuilder(codex.toString(), "serve", "--host", "127.0.0.1", "--port", "0")
                    .redirectError(home.resolveSibling(home.getFileName() + "-serve.err").toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            pb.environment().put("CODEX_HOME", home.toString());
            pb.environment().put("OPENAI_API_KEY", "bench");
            pb.environment().put("OPENAI_BASE_URL", modelUrl);
            pb.environment().put("CODEX_SERVE_TOKEN", TOKEN);
            process = pb.start();
            try {
                port = awaitListening();
            } catch (Exception | Error e) {
                process.destroyForcibly(); // never leave a server behind
                throw e;
            }
        }

        private int awaitListening() throws Exception {
            BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            String line = out.readLine();
            for (int skipped = 0; line != null && !line.contains("listening on http://") && skipped < 50; skipped++) {
                line = out.readLine(); // e.g. a JFR recording's notice from CODEX_JAVA_OPTS
            }
            if (line == null || !line.contains("listening on http://127.0.0.1:")) {
                throw new IllegalStateException("codex serve did not start: " + line);
            }
            Matcher m = Pattern.compile("127\\.0\\.0\\.1:(\\d+)").matcher(line);
            m.find();
            int listening = Integer.parseInt(m.group(1));
            Thread drain = new Thread(() -> {
                try {
                    while (out.readLine() != null) {
                        // keep the pipe empty
                    }
                } catch (Exception ignored) {
                    // ended
                }
            });
            drain.setDaemon(true);
            drain.start();
            return listening;
        }

        long pid() {
            return process.pid();
        }

        /** Bytes of live objects (jcmd's class histogram runs a full GC first and sums what survived), in KiB. */
        long liveHeapKiB(String label) {
            String histogram = BenchMain.sh("jcmd", String.valueOf(pid()), "GC.class_histogram");
            String keep = System.getProperty("bench.load.histograms"); // a folder: each histogram is kept there
            if (keep != null) {
                try {
                    Files.createDirectories(Path.of(keep));
                    Files.writeString(Path.of(keep, "histogram-" + label + ".txt"), histogram);
                } catch (java.io.IOException e) {
                    System.err.println("cannot keep the histogram: " + e);
                }
            }
            for (String line : histogram.split("\n")) {
                Matcher m = TOTAL.matcher(line);
                if (m.find()) {
                    return Long.parseLong(m.group(2)) / 1024;
                }
            }
            throw new IllegalStateException("no class histogram from jcmd: " + BenchMain.tail(histogram, 300));
        }

        /** CPU seconds (user + system) the server process used so far. */
        double cpuSeconds() {
            try {
                String stat = Files.readString(Path.of("/proc/" + pid() + "/stat"));
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0; // utime, stime in clock ticks (USER_HZ 100)
            } catch (Exception e) {
                return Double.NaN;
            }
        }

        /** The server's thread count now (0 when gone). */
        int threads() {
            try {
                for (String line : Files.readAllLines(Path.of("/proc/" + pid() + "/status"))) {
                    if (line.startsWith("Threads:")) {
                        return Integer.parseInt(line.replaceAll("\\D", ""));
                    }
                }
            } catch (Exception ignored) {
                // gone
            }
            return 0;
        }

        double peakRssMiB() {
            try {
                for (String line : Files.readAllLines(Path.of("/proc/" + pid() + "/status"))) {
                    if (line.startsWith("VmHWM:")) {
                        return BenchMain.round(Long.parseLong(line.replaceAll("\\D", "")) / 1024.0, 1);
                    }
                }
            } catch (Exception ignored) {
                // gone
            }
            return -1;
        }

        @Override
        public void close() throws Exception {
            process.destroy();
            ProcessHandle.of(process.pid()).ifPresent(h -> h.descendants().forEach(ProcessHandle::destroy));
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    /** One session over HTTP: create, follow its SSE stream, submit. */
    private static final class Session {
        final HttpClient http;
        final int port;
        String id;
        final Promise<Void> done = Promise.promise();
        final List<String> errors = new ArrayList<>();

        Session(HttpClient http, int port) {
            this.http = http;
            this.port = port;
        }

        Future<Void> create(String cwd) {
            JsonObject body = new JsonObject().put("cwd", cwd).put("approval_policy", "never")
                    .put("sandbox_permissions", new JsonArray().add("disk-full-read-access").add("disk-write-cwd"));
            return call(HttpMethod.POST, "/api/v1/sessions", body).map(b -> {
                id = new JsonObject(b).getString("session_id");
                return null;
            });
        }

        Future<String> call(HttpMethod method, String path, JsonObject body) {
            return http.request(new RequestOptions().setMethod(method).setHost("127.0.0.1").setPort(port).setURI(path)
                    .putHeader("Authorization", "Bearer " + TOKEN).putHeader("content-type", "application/json"))
                    .compose(req -> req.send(body.encode()))
                    .compose(resp -> resp.body().map(b -> {
                        if (resp.statusCode() / 100 != 2) {
                            throw new IllegalStateException(method + " " + path.replace(id == null ? "\0" : id, "ID")
                                    + ": " + resp.statusCode() + " " + b);
                        }
                        return b.toString();
                    }));
        }

        /** Follows the events; each one goes to the listener; task_complete ends the session's turn. */
        Future<Void> follow(Consumer<JsonObject> listener) {
            return http.request(new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1").setPort(port)
                    .setURI("/api/v1/sessions/" + id + "/events").putHeader("Authorization", "Bearer " + TOKEN))
                    .compose(req -> req.send())
                    .map(resp -> {
                        if (resp.statusCode() != 200) {
                            throw new IllegalStateException("events: " + resp.statusCode());
                        }
                        StringBuilder pending = new StringBuilder();
                        resp.handler(buf -> {
                            pending.append(buf.toString(StandardCharsets.UTF_8));
                            int nl;
                            while ((nl = pending.indexOf("\n")) >= 0) {
                                String line = pending.substring(0, nl);
                                pending.delete(0, nl + 1);
                                if (line.startsWith("data: ")) {
                                    JsonObject e = new JsonObject(line.substring(6));
                                    listener.accept(e);
                                    String type = e.getJsonObject("msg", new JsonObject()).getString("type", "");
                                    if (type.equals("error") || type.equals("stream_error")) {
                                        errors.add(e.getJsonObject("msg").encode());
                                    }
                                    if (type.equals("task_complete")) {
                                        done.tryComplete();
                                    }
                                }
                            }
                        });
                        resp.endHandler(v -> done.tryFail("events stream ended"));
                        resp.exceptionHandler(done::tryFail);
                        return null;
                    });
        }

        Future<String> submit(String text) {
            JsonObject sub = new JsonObject().put("id", "s1").put("op", new JsonObject().put("type", "user_input")
                    .put("items", new JsonArray().add(new JsonObject().put("type", "text").put("text", text))));
            return call(HttpMethod.POST, "/api/v1/sessions/" + id + "/submissions", sub);
        }
    }

    private static HttpClient client(Vertx vertx, int connections) {
        return vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setIdleTimeout(0),
                new PoolOptions().setHttp1MaxSize(connections).setMaxWaitQueueSize(-1));
    }

    private static <T> T await(Future<T> f, long seconds) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(seconds, TimeUnit.SECONDS);
    }

    // ---- streaming --------------------------------------------------------------------------

    JsonObject streaming() throws Exception {
        int deltas = smoke ? 20 : 200;
        int gap = 5;
        System.out.printf("stream: %d deltas %d ms apart, model -> codex serve -> SSE client, load %s%n", deltas, gap, BenchMain.load());
        Vertx vertx = Vertx.vertx();
        try (BenchModel model = new BenchModel(vertx, false, 0);
             Serve serve = new Serve(codex, work.resolve("serve-stream-home"), model.baseUrl())) {
            Path cwd = Files.createDirectories(work.resolve("serve-stream-cwd"));
            HttpClient http = client(vertx, 8);
            List<Double> latencies = new ArrayList<>();
            for (int round = 0; round < 2; round++) { // round 0 warms up
                String tag = "stream" + round;
                int n = round == 0 ? 20 : deltas;
                Session s = new Session(http, serve.port);
                await(s.create(cwd.toString()), 60);
                BenchModel.Trace trace = model.trace(tag);
                List<Double> mine = new ArrayList<>();
                await(s.follow(e -> {
                    JsonObject msg = e.getJsonObject("msg", new JsonObject());
                    if ("agent_message_delta".equals(msg.getString("type"))) {
                        long now = System.nanoTime();
                        Matcher m = DELTA.matcher(msg.getString("delta", ""));
                        while (m.find()) {
                            int k = Integer.parseInt(m.group(1));
                            synchronized (trace) {
                                if (k < trace.deltaSent.size()) {
                                    mine.add((now - trace.deltaSent.get(k)) / 1e6);
                                }
                            }
                        }
                    }
                }), 30);
                await(s.submit("bench steps=0 deltas=" + n + " gap=" + gap + " tag=" + tag), 30);
                await(s.done.future(), 120);
                if (round == 1) {
                    latencies.addAll(mine);
                }
            }
            JsonObject r = new JsonObject().put("deltas", deltas).put("received", latencies.size()).put("gap_ms", gap)
                    .put("p50_ms", BenchMain.round(BenchMain.percentile(latencies, 50), 2))
                    .put("p90_ms", BenchMain.round(BenchMain.percentile(latencies, 90), 2))
                    .put("p99_ms", BenchMain.round(BenchMain.percentile(latencies, 99), 2))
                    .put("load_after", BenchMain.load());
            System.out.println("stream: " + r.encode());
            return r;
        } finally {
            vertx.close();
        }
    }

    // ---- load -------------------------------------------------------------------------------

    JsonObject load() throws Exception {
        int sessions = Integer.getInteger("bench.load.sessions", smoke ? 20 : 500);
        int steps = Integer.getInteger("bench.load.steps", smoke ? 3 : 10);
        long bound = smoke ? 60 : 240;
        System.out.printf("load: %d sessions x %d steps, model +50 ms per response, SSE, load %s%n", sessions, steps, BenchMain.load());
        Vertx vertx = Vertx.vertx();
        try (BenchModel model = new BenchModel(vertx, false, 50);
             Serve serve = new Serve(codex, work.resolve("serve-load-home"), model.baseUrl())) {
            Path cwd = Files.createDirectories(work.resolve("serve-load-cwd"));
            HttpClient http = client(vertx, sessions + 64);
            // warm the server with one small session, then measure from a collected heap
            Session warm = new Session(http, serve.port);
            await(warm.create(cwd.toString()), 60);
            await(warm.follow(e -> { }), 30);
            await(warm.submit("bench steps=2 login=0 tag=warm"), 30);
            await(warm.done.future(), 60);
            long heap0 = serve.liveHeapKiB("baseline");
            List<Session> all = new ArrayList<>();
            ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
            // create and subscribe, at most 32 requests in flight
            AtomicInteger next = new AtomicInteger();
            List<Future<Void>> opened = new ArrayList<>();
            for (int i = 0; i < sessions; i++) {
                all.add(new Session(http, serve.port));
            }
            for (int lane = 0; lane < 32; lane++) {
                opened.add(openLane(all, next, cwd.toString(), errors));
            }
            await(Future.join(opened), bound);
            long heapIdle = serve.liveHeapKiB("idle");
            long start = System.nanoTime();
            AtomicInteger peakThreads = new AtomicInteger(serve.threads());
            long sampler = vertx.setPeriodic(200, id -> vertx.executeBlocking(() -> peakThreads.accumulateAndGet(serve.threads(), Math::max)));
            double cpu0 = serve.cpuSeconds();
            List<Future<Void>> turns = new ArrayList<>();
            for (int i = 0; i < all.size(); i++) {
                Session s = all.get(i);
                if (s.id == null) {
                    continue;
                }
                String text = "bench steps=" + steps + " login=0 tag=load" + i;
                turns.add(s.submit(text).<Void>mapEmpty().compose(v -> s.done.future())
                        .onFailure(e -> errors.add("turn: " + e.getMessage())));
            }
            try {
                await(Future.join(turns), bound);
            } catch (java.util.concurrent.TimeoutException e) {
                errors.add("not all turns ended within " + bound + " s");
            }
            double wall = (System.nanoTime() - start) / 1e9;
            vertx.cancelTimer(sampler);
            double cpu = serve.cpuSeconds() - cpu0;
            int completed = 0;
            List<Double> gaps = new ArrayList<>();
            for (int i = 0; i < all.size(); i++) {
                Session s = all.get(i);
                errors.addAll(s.errors);
                if (s.done.future().succeeded()) {
                    completed++;
                }
                gaps.addAll(model.trace("load" + i).stepGapsMs());
            }
            long heapAfter = serve.liveHeapKiB("after");
            int total = (int) errors.stream().count();
            JsonObject r = new JsonObject().put("sessions", sessions).put("steps", steps).put("model_delay_ms", 50)
                    .put("completed", completed).put("errors", total)
                    .put("error_samples", new JsonArray(errors.stream().limit(5).toList()))
                    .put("wall_s", BenchMain.round(wall, 2))
                    .put("steps_per_s", BenchMain.round(gaps.size() / wall, 1))
                    .put("step_gaps", gaps.size())
                    .put("serve_cpu_ms_per_step", BenchMain.round(cpu * 1000 / Math.max(1, gaps.size()), 1))
                    .put("step_gap_p50_ms", BenchMain.round(BenchMain.percentile(gaps, 50), 1))
                    .put("step_gap_p99_ms", BenchMain.round(BenchMain.percentile(gaps, 99), 1))
                    .put("heap_baseline_mib", BenchMain.round(heap0 / 1024.0, 1))
                    .put("heap_per_idle_session_kib", BenchMain.round((heapIdle - heap0) / (double) sessions, 1))
                    .put("heap_per_session_after_turn_kib", BenchMain.round((heapAfter - heap0) / (double) sessions, 1))
                    .put("peak_rss_mib", serve.peakRssMiB())
                    .put("peak_threads", peakThreads.get())
                    .put("load_after", BenchMain.load());
            System.out.println("load: " + r.encode());
            return r;
        } finally {
            vertx.close();
        }
    }

    private static Future<Void> openLane(List<Session> all, AtomicInteger next, String cwd, ConcurrentLinkedQueue<String> errors) {
        int i = next.getAndIncrement();
        if (i >= all.size()) {
            return Future.succeededFuture();
        }
        Session s = all.get(i);
        return s.create(cwd).compose(v -> s.follow(e -> { }))
                .recover(e -> {
                    errors.add("open: " + e.getMessage());
                    s.id = null;
                    return Future.succeededFuture();
                })
                .compose(v -> openLane(all, next, cwd, errors));
    }
}

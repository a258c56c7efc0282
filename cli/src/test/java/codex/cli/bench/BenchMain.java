package codex.cli.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Every benchmark of issue 15 from one command ({@code bench/run.sh}, which builds and calls this):
 * paired runs of our {@code bin/codex exec} and the Codex CLI against one {@link BenchModel} on
 * 127.0.0.1 (A B A B…, medians and the median of the pairwise ratios), the streaming latency and
 * the load benchmark through {@code codex serve} ({@link ServeBench}), and the cluster join.
 * Prints a table and writes JSON. Never fails on a figure: exit 1 only when a workload could not
 * run at all (a crash, a wrong step count).
 *
 * <p>Arguments: {@code --root DIR} (the checkout), {@code --codex PATH} (Codex CLI: its npm
 * {@code .bin/codex} or the native binary; absent: our side only), {@code --smoke} (one short run
 * of each), {@code --only a,b} (workload names), {@code --out FILE} (JSON), {@code --ours-only} (no Codex
 * side even when one is given: its workspace-write runs create a transient /tmp/.git that disturbs
 * test suites running beside the bench).
 */
public final class BenchMain {
    static final String NATIVE = "@openai/codex-linux-x64/vendor/x86_64-unknown-linux-musl/bin/codex";

    private final Path root;
    private final Path codex;
    private final boolean smoke;
    private final List<String> only;
    private final Path work;
    private final boolean haveTime = Files.isExecutable(Path.of("/usr/bin/time"));
    private final JsonObject results = new JsonObject();
    private final List<String[]> table = new ArrayList<>();
    private int failures;

    private BenchMain(Path root, Path codex, boolean smoke, List<String> only) throws IOException {
        this.root = root;
        this.codex = codex;
        this.smoke = smoke;
        this.only = only;
        this.work = Files.createDirectories(root.resolve("bench/.work"));
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of("").toAbsolutePath();
        Path codex = null;
        boolean smoke = false;
        boolean oursOnly = false;
        List<String> only = List.of();
        Path out = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--root" -> root = Path.of(args[++i]).toAbsolutePath();
                case "--codex" -> {
                    String v = args[++i];
                    codex = v.isEmpty() ? null : Path.of(v);
                }
                case "--smoke" -> smoke = true;
                case "--ours-only" -> oursOnly = true;
                case "--only" -> only = List.of(args[++i].split(","));
                case "--out" -> out = Path.of(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        BenchMain bench = new BenchMain(root, oursOnly ? null : nativeCodex(codex), smoke, only);
        int code = bench.run(out);
        System.exit(code);
    }

    /** The npm wrapper only finds and starts the native binary (through node): time the binary itself. */
    static Path nativeCodex(Path given) throws IOException {
        if (given == null || !Files.isExecutable(given)) {
            return null;
        }
        Path real = given.toRealPath();
        for (Path dir = real.getParent(); dir != null; dir = dir.getParent()) {
            if (dir.getFileName() != null && dir.getFileName().toString().equals("node_modules")) {
                Path bin = dir.resolve(NATIVE);
                return Files.isExecutable(bin) ? bin : real;
            }
        }
        return real;
    }

    private boolean wanted(String name) {
        return only.isEmpty() || only.contains(name);
    }

    private int run(Path out) throws Exception {
        results.put("date", DateTimeFormatter.ISO_INSTANT.format(Instant.now()));
        results.put("mode", smoke ? "smoke" : "full");
        results.put("machine", machine());
        results.put("codex", codex == null ? null : codexVersion());
        results.put("git", sh("git", "-C", root.toString(), "rev-parse", "--short", "HEAD").trim());
        JsonObject workloads = new JsonObject();
        results.put("workloads", workloads);
        System.out.println("machine: " + results.getJsonObject("machine").encode());
        System.out.println("codex:   " + (codex == null ? "absent: our side only, no ratios" : codex + " (" + results.getString("codex") + ")"));
        try (BenchModel model = new BenchModel(0)) {
            int pairs = smoke ? 1 : 9;
            if (wanted("startup")) {
                workloads.put("startup", execPair(model, "startup", "start-up + one answer", 0, true, pairs));
            }
            if (wanted("exec20")) {
                workloads.put("exec20", execPair(model, "exec20", "exec, bash -lc steps", smoke ? 3 : 20, true, smoke ? 1 : 5));
            }
            if (wanted("exec50")) {
                workloads.put("exec50", execPair(model, "exec50", "exec, bash -lc steps", smoke ? 5 : 50, true, smoke ? 1 : 3));
            }
            if (wanted("steps")) {
                workloads.put("steps", execPair(model, "steps", "exec, bash -c steps (per-step overhead)", smoke ? 5 : 50, false,
                        smoke ? 1 : 3));
            }
        }
        ServeBench serve = new ServeBench(root.resolve("bin/codex"), work, smoke);
        if (wanted("stream")) {
            workloads.put("stream", guarded("stream", serve::streaming));
        }
        if (wanted("load")) {
            workloads.put("load", guarded("load", serve::load));
        }
        if (wanted("cluster")) {
            workloads.put("cluster", guarded("cluster", () -> new ClusterBench(root.resolve("bin/codex"), work, smoke).run()));
        }
        addRows(workloads);
        printTable();
        JsonObject st = workloads.getJsonObject("steps");
        if (st != null && st.getJsonObject("ours") != null && st.getJsonObject("ours").getJsonArray("timeline_median_ms") != null) {
            System.out.println("steps, ours: where a warm step's time goes (median ms after the tool-call response's end; since the mark before)");
            for (Object o : st.getJsonObject("ours").getJsonArray("timeline_median_ms")) {
                JsonObject e = (JsonObject) o;
                System.out.printf(Locale.ROOT, "  %-24s %9.3f  %+9.3f%n", e.getString("mark"), e.getDouble("after_response_end_ms"),
                        e.getDouble("since_previous_ms"));
            }
        }
        if (out == null) {
            out = root.resolve("bench/results/" + DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC)
                    .format(Instant.now()) + (smoke ? "-smoke" : "") + ".json");
        }
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, results.encodePrettily() + "\n");
        System.out.println("json: " + out);
        return failures == 0 ? 0 : 1;
    }

    interface Workload {
        JsonObject run() throws Exception;
    }

    private JsonObject guarded(String name, Workload w) {
        try {
            return w.run();
        } catch (Exception | AssertionError e) {
            failures++;
            System.out.println(name + ": FAILED: " + e);
            return new JsonObject().put("error", String.valueOf(e));
        }
    }

    // ---- paired exec runs -------------------------------------------------------------------

    private record Run(double wallS, long rssKiB, List<Double> gapsMs, List<double[]> splitsMs,
                       List<Map<String, Double>> timeline, String error) { }

    /** {@code -Dbench.trace=true}: our side runs with {@code codex.trace.steps} and the steps workload prints where the time goes. */
    private static final boolean TRACE = Boolean.getBoolean("bench.trace");
    /**
     * {@code -Dbench.codex.privateTmp=true}: Codex runs with its own TMPDIR and without /tmp as a writable
     * root, so its workspace-write sandbox makes no transient /tmp/.git beside other test suites
     * (a slightly different sandbox than Codex's default: say so with the figures).
     */
    private static final boolean CODEX_PRIVATE_TMP = Boolean.getBoolean("bench.codex.privateTmp");

    private JsonObject execPair(BenchModel model, String name, String what, int steps, boolean login, int pairs) {
        System.out.printf(Locale.ROOT, "%s: %s, %d steps, %d pair(s) after a warm-up, load %s%n", name, what, steps, pairs, load());
        JsonObject result = new JsonObject().put("what", what).put("steps", steps).put("login_shell", login)
                .put("pairs", pairs).put("load_before", load());
        List<Run> ours = new ArrayList<>();
        List<Run> theirs = new ArrayList<>();
        try {
            for (int i = -1; i < pairs; i++) { // -1: warm-up of both, not counted
                Run a = runExec(model, name + "-ours-" + (i + 1), false, steps, login);
                Run b = codex == null ? null : runExec(model, name + "-codex-" + (i + 1), true, steps, login);
                for (Run r : b == null ? List.of(a) : List.of(a, b)) {
                    if (r.error != null) {
                        throw new IllegalStateException(r.error);
                    }
                }
                if (i >= 0) {
                    ours.add(a);
                    if (b != null) {
                        theirs.add(b);
                    }
                }
            }
        } catch (Exception e) {
            failures++;
            System.out.println(name + ": FAILED: " + e.getMessage());
            return result.put("error", e.getMessage());
        }
        result.put("ours", side(ours, steps)).put("load_after", load());
        if (!theirs.isEmpty()) {
            result.put("codex", side(theirs, steps));
            List<Double> ratios = new ArrayList<>();
            List<Double> rssRatios = new ArrayList<>();
            for (int i = 0; i < ours.size(); i++) {
                ratios.add(ours.get(i).wallS / theirs.get(i).wallS);
                if (theirs.get(i).rssKiB > 0) {
                    rssRatios.add((double) ours.get(i).rssKiB / theirs.get(i).rssKiB);
                }
            }
            result.put("wall_ratio", round(median(ratios), 3));
            if (!rssRatios.isEmpty()) {
                result.put("rss_ratio", round(median(rssRatios), 3));
            }
        }
        return result;
    }

    private JsonObject side(List<Run> runs, int steps) {
        JsonObject s = new JsonObject();
        s.put("wall_s", new JsonArray(runs.stream().map(r -> round(r.wallS, 3)).toList()));
        s.put("wall_median_s", round(median(runs.stream().map(r -> r.wallS).toList()), 3));
        if (runs.get(0).rssKiB > 0) {
            s.put("peak_rss_median_mib", round(median(runs.stream().map(r -> r.rssKiB / 1024.0).toList()), 1));
        }
        if (steps > 0) {
            // warm: leave out each run's first fifth of steps (class loading, JIT)
            List<Double> warm = new ArrayList<>();
            for (Run r : runs) {
                warm.addAll(r.gapsMs.subList(Math.min(r.gapsMs.size(), Math.max(1, steps / 5)), r.gapsMs.size()));
            }
            if (!warm.isEmpty()) {
                s.put("step_gap_p50_ms", round(percentile(warm, 50), 2)).put("step_gap_p90_ms", round(percentile(warm, 90), 2));
            }
            // the same warm steps split by the command's own timestamps (wall clock on both sides):
            // own overhead = gap - the command's own run = before its first line + after its last
            List<Double> own = new ArrayList<>();
            List<Double> before = new ArrayList<>();
            List<Double> command = new ArrayList<>();
            List<Double> after = new ArrayList<>();
            for (Run r : runs) {
                List<double[]> sp = r.splitsMs;
                for (double[] x : sp.subList(Math.min(sp.size(), Math.max(1, steps / 5)), sp.size())) {
                    own.add(x[1] + x[3]);
                    before.add(x[1]);
                    command.add(x[2]);
                    after.add(x[3]);
                }
            }
            List<Map<String, Double>> steps2 = new ArrayList<>();
            for (Run r : runs) {
                steps2.addAll(r.timeline.subList(Math.min(r.timeline.size(), Math.max(1, steps / 5)), r.timeline.size()));
            }
            if (!steps2.isEmpty()) {
                s.put("timeline_median_ms", medianTimeline(steps2));
            }
            if (!own.isEmpty()) {
                s.put("own_overhead_p50_ms", round(percentile(own, 50), 2)).put("own_overhead_p90_ms", round(percentile(own, 90), 2))
                        .put("before_command_p50_ms", round(percentile(before, 50), 2))
                        .put("command_p50_ms", round(percentile(command, 50), 3))
                        .put("after_command_p50_ms", round(percentile(after, 50), 2))
                        .put("own_overhead_steps", own.size());
            }
        }
        return s;
    }

    private Run runExec(BenchModel model, String tag, boolean isCodex, int steps, boolean login) throws Exception {
        Path dir = work.resolve(tag);
        deleteTree(dir);
        Path repo = Files.createDirectories(dir.resolve("repo"));
        Path home = Files.createDirectories(work.resolve(isCodex ? "codex-home" : "our-home"));
        String prompt = "bench steps=" + steps + " tag=" + tag + " login=" + (login ? 1 : 0);
        List<String> cmd = new ArrayList<>();
        Path timeFile = dir.resolve("time");
        if (haveTime) {
            cmd.addAll(List.of("/usr/bin/time", "-f", "%M", "-o", timeFile.toString()));
        }
        if (isCodex) {
            String url = model.baseUrl();
            cmd.addAll(List.of(codex.toString(), "exec", "--skip-git-repo-check", "-C", repo.toString(),
                    "-c", "model_providers.bench.name=bench", "-c", "model_providers.bench.base_url=" + url,
                    "-c", "model_providers.bench.wire_api=responses", "-c", "model_providers.bench.env_key=OPENAI_API_KEY",
                    "-c", "model_providers.bench.request_max_retries=0", "-c", "model_providers.bench.stream_max_retries=0",
                    "-c", "model_provider=bench", "-m", "gpt-5", "-s", "workspace-write"));
            if (CODEX_PRIVATE_TMP) {
                cmd.addAll(List.of("-c", "sandbox_workspace_write.exclude_slash_tmp=true"));
            }
            cmd.add(prompt);
        } else {
            cmd.addAll(List.of(root.resolve("bin/codex").toString(), "exec", "--full-auto", "--skip-git-repo-check",
                    "-C", repo.toString(), "-c", "model_providers.openai.request_max_retries=0",
                    "-c", "model_providers.openai.stream_max_retries=0", prompt));
        }
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectOutput(dir.resolve("stdout").toFile()).redirectError(dir.resolve("stderr").toFile());
        pb.environment().put("CODEX_HOME", home.toString());
        pb.environment().put("OPENAI_API_KEY", "bench");
        if (isCodex) {
            pb.environment().remove("OPENAI_BASE_URL");
            pb.environment().put("CODEX_MANAGED_BY_NPM", "1");
            if (CODEX_PRIVATE_TMP) {
                pb.environment().put("TMPDIR", Files.createDirectories(dir.resolve("tmp")).toString());
            }
        } else {
            pb.environment().put("OPENAI_BASE_URL", model.baseUrl());
        }
        Path traceFile = work.resolve(tag + ".trace");
        Files.deleteIfExists(traceFile);
        if (TRACE && !isCodex) {
            String opts = System.getenv().getOrDefault("CODEX_JAVA_OPTS", "");
            pb.environment().put("CODEX_JAVA_OPTS", (opts + " -Dcodex.trace.steps=" + traceFile).trim());
        }
        long start = System.nanoTime();
        Process p = pb.start();
        if (!p.waitFor(180, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return new Run(0, 0, List.of(), List.of(), List.of(), tag + ": did not finish in 180 s");
        }
        double wall = (System.nanoTime() - start) / 1e9;
        long rss = 0;
        if (haveTime && Files.exists(timeFile)) {
            String[] lines = Files.readString(timeFile).trim().split("\n");
            rss = Long.parseLong(lines[lines.length - 1].trim());
        }
        String stdout = Files.readString(dir.resolve("stdout"));
        Path log = repo.resolve("steps.log");
        long lines = Files.exists(log) ? Files.readAllLines(log).size() : 0;
        String error = null;
        if (p.exitValue() != 0 || lines != steps || !stdout.contains("Did " + steps + " steps.")) {
            error = tag + ": exit " + p.exitValue() + ", " + lines + "/" + steps + " steps; stderr: "
                    + tail(Files.readString(dir.resolve("stderr")), 600);
        }
        List<Double> gaps = model.trace(tag).stepGapsMs();
        List<double[]> splits = model.trace(tag).stepSplitsMs();
        List<Map<String, Double>> timeline = Files.exists(traceFile) ? timeline(model.trace(tag), Files.readAllLines(traceFile))
                : List.of();
        Files.deleteIfExists(traceFile);
        model.forget(tag);
        if (error == null) {
            deleteTree(dir);
        }
        return new Run(wall, rss, gaps, splits, timeline, error);
    }

    /**
     * Per step (tool-call response i to request i+1): each trace label's last mark in the window
     * (request i arrived, request i+1 arrived], as ms after response i's end; with the model's and
     * the command's own instants. All on the wall clock.
     */
    static List<Map<String, Double>> timeline(BenchModel.Trace t, List<String> lines) {
        List<String> labels = new ArrayList<>();
        List<Long> at = new ArrayList<>();
        for (String line : lines) {
            String[] f = line.split(" ");
            if (f.length >= 2) {
                labels.add(f[0]);
                at.add(Long.parseLong(f[1]));
            }
        }
        List<Map<String, Double>> out = new ArrayList<>();
        synchronized (t) {
            for (int i = 0; i + 1 < t.requestArrivalsWall.size() && i < t.responseEndsWall.size(); i++) {
                long from = t.requestArrivalsWall.get(i);
                long to = t.requestArrivalsWall.get(i + 1);
                long end = t.responseEndsWall.get(i);
                Map<String, Double> m = new LinkedHashMap<>();
                for (int k = 0; k < labels.size(); k++) {
                    if (at.get(k) > from && at.get(k) <= to) {
                        m.put(labels.get(k), (at.get(k) - end) / 1e6);
                    }
                }
                long[] span = i + 1 < t.commandSpansWall.size() ? t.commandSpansWall.get(i + 1) : null;
                if (span != null) {
                    m.put("COMMAND-first-line", (span[0] - end) / 1e6);
                    m.put("COMMAND-last-line", (span[1] - end) / 1e6);
                }
                m.put("MODEL-next-request", (to - end) / 1e6);
                out.add(m);
            }
        }
        return out;
    }

    /** The median offset of every label, in the order of the medians, with the step from the one before. */
    static JsonArray medianTimeline(List<Map<String, Double>> steps) {
        Map<String, List<Double>> by = new LinkedHashMap<>();
        for (Map<String, Double> m : steps) {
            m.forEach((k, v) -> by.computeIfAbsent(k, x -> new ArrayList<>()).add(v));
        }
        List<Map.Entry<String, Double>> med = new ArrayList<>();
        by.forEach((k, v) -> med.add(Map.entry(k, median(v))));
        med.sort(Map.Entry.comparingByValue());
        JsonArray out = new JsonArray();
        double prev = 0;
        for (Map.Entry<String, Double> e : med) {
            out.add(new JsonObject().put("mark", e.getKey()).put("after_response_end_ms", round(e.getValue(), 3))
                    .put("since_previous_ms", round(e.getValue() - prev, 3)).put("steps", by.get(e.getKey()).size()));
            prev = e.getValue();
        }
        return out;
    }

    // ---- table ------------------------------------------------------------------------------

    private void addRows(JsonObject w) {
        row("workload", "ours", "Codex", "ratio", "target", "met");
        execRow(w.getJsonObject("startup"), "start-up + one answer, wall", "wall_median_s", "s", 1.0);
        execRow(w.getJsonObject("exec20"), "exec " + steps(w, "exec20") + " steps bash -lc, wall", "wall_median_s", "s", 0.5);
        execRow(w.getJsonObject("exec50"), "exec " + steps(w, "exec50") + " steps bash -lc, wall", "wall_median_s", "s", null);
        execRow(w.getJsonObject("exec50"), "exec " + steps(w, "exec50") + " steps, peak RSS", "peak_rss_median_mib", "MiB", 1.0);
        execRow(w.getJsonObject("steps"), "exec " + steps(w, "steps") + " steps bash -c, wall", "wall_median_s", "s", null);
        execRow(w.getJsonObject("steps"), "warm step gap p50 (bash -c, incl. spawn)", "step_gap_p50_ms", "ms", null);
        execRow(w.getJsonObject("steps"), "  the command's own run p50", "command_p50_ms", "ms", null);
        execRow(w.getJsonObject("steps"), "  own overhead p50 (gap - command)", "own_overhead_p50_ms", "ms", null);
        execRow(w.getJsonObject("steps"), "  own overhead p90", "own_overhead_p90_ms", "ms", null);
        execRow(w.getJsonObject("steps"), "  response end -> command's first line, p50", "before_command_p50_ms", "ms", null);
        execRow(w.getJsonObject("steps"), "  command's last line -> next request, p50", "after_command_p50_ms", "ms", null);
        JsonObject st = w.getJsonObject("steps");
        if (st != null && st.getJsonObject("ours") != null && st.getJsonObject("ours").getDouble("own_overhead_p50_ms") != null) {
            double own = st.getJsonObject("ours").getDouble("own_overhead_p50_ms");
            row("  warm step overhead p50 target", own + " ms", "-", "-", "<= 3 ms", own <= 3 ? "yes" : "no");
        }
        JsonObject s = w.getJsonObject("stream");
        if (s != null && s.containsKey("p50_ms")) {
            row("streaming delta -> SSE client p50", s.getDouble("p50_ms") + " ms", "-", "-", "<= 5 ms",
                    s.getDouble("p50_ms") <= 5 ? "yes" : "no");
        }
        JsonObject l = w.getJsonObject("load");
        if (l != null && l.containsKey("sessions")) {
            row(l.getInteger("sessions") + " sessions x " + l.getInteger("steps") + " steps: throughput",
                    l.getDouble("steps_per_s") + " steps/s", "-", "-", "", "");
            row("  step overhead p50 / p99", l.getDouble("step_gap_p50_ms") + " / " + l.getDouble("step_gap_p99_ms") + " ms",
                    "-", "-", "p99 <= 50 ms", l.getDouble("step_gap_p99_ms") <= 50 ? "yes" : "no");
            row("  errors", String.valueOf(l.getInteger("errors")), "-", "-", "0", l.getInteger("errors") == 0 ? "yes" : "no");
            Double idle = l.getDouble("heap_per_idle_session_kib");
            row("  live heap per idle session", idle + " KiB", "-", "-", "<= 20 KiB", idle != null && idle <= 20 ? "yes" : "no");
            row("  live heap per session after its turn", l.getDouble("heap_per_session_after_turn_kib") + " KiB", "-", "-", "", "");
            row("  peak RSS of codex serve", l.getDouble("peak_rss_mib") + " MiB", "-", "-", "", "");
            row("  peak threads of codex serve", String.valueOf(l.getInteger("peak_threads", 0)), "-", "-", "", "");
        }
        JsonObject c = w.getJsonObject("cluster");
        if (c != null && c.containsKey("services")) {
            for (String svc : c.getJsonObject("services").fieldNames()) {
                double ready = c.getJsonObject("services").getJsonObject(svc).getDouble("ready_median_s");
                row("cluster: " + svc + " ready (wall from spawn)", ready + " s", "-", "-", "<= 2 s", ready <= 2 ? "yes" : "no");
            }
        }
    }

    private static String steps(JsonObject w, String name) {
        JsonObject o = w.getJsonObject(name);
        return o == null ? "?" : String.valueOf(o.getInteger("steps"));
    }

    private void execRow(JsonObject r, String label, String key, String unit, Double target) {
        if (r == null || r.containsKey("error")) {
            return;
        }
        Object a = r.getJsonObject("ours").getValue(key);
        JsonObject c = r.getJsonObject("codex");
        Object b = c == null ? null : c.getValue(key);
        String ratio = "-";
        Double rv = null;
        if (a instanceof Number x && b instanceof Number y && y.doubleValue() > 0) {
            // wall: the median of the pairwise ratios (robust to drift); others: ratio of medians
            rv = key.equals("wall_median_s") ? r.getDouble("wall_ratio")
                    : key.startsWith("peak_rss") && r.getDouble("rss_ratio") != null ? r.getDouble("rss_ratio")
                    : round(x.doubleValue() / y.doubleValue(), 3);
            ratio = String.format(Locale.ROOT, "%.2f", rv);
        }
        row(label, a == null ? "-" : a + " " + unit, b == null ? "-" : b + " " + unit, ratio,
                target == null ? "" : "<= " + target + "x", target == null || rv == null ? "" : rv <= target ? "yes" : "no");
    }

    private void row(String... cells) {
        table.add(cells);
    }

    private void printTable() {
        int[] widths = new int[6];
        for (String[] r : table) {
            for (int i = 0; i < r.length; i++) {
                widths[i] = Math.max(widths[i], r[i].length());
            }
        }
        StringBuilder sb = new StringBuilder("\n");
        for (String[] r : table) {
            for (int i = 0; i < r.length; i++) {
                sb.append(String.format("%-" + (widths[i] + 2) + "s", r[i]));
            }
            sb.append('\n');
        }
        System.out.print(sb);
        JsonArray rows = new JsonArray();
        table.stream().skip(1).forEach(r -> rows.add(new JsonArray(List.of((Object[]) r))));
        results.put("table", rows);
    }

    // ---- helpers ----------------------------------------------------------------------------

    private JsonObject machine() throws IOException {
        JsonObject m = new JsonObject();
        m.put("nproc", Runtime.getRuntime().availableProcessors());
        for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
            if (line.startsWith("MemTotal:")) {
                m.put("ram_gib", round(Long.parseLong(line.replaceAll("\\D", "")) / 1024.0 / 1024.0, 1));
            }
        }
        m.put("kernel", sh("uname", "-r").trim());
        String java = System.getenv("JAVA_HOME") != null ? System.getenv("JAVA_HOME") + "/bin/java" : "java";
        String version = sh(java, "-version");
        m.put("jdk", version.lines().skip(1).findFirst().orElse(version).trim());
        m.put("load_at_start", load());
        return m;
    }

    private String codexVersion() {
        return sh(codex.toString(), "--version").trim();
    }

    static String load() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            return "?";
        }
    }

    static String sh(String... cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(30, TimeUnit.SECONDS);
            return out;
        } catch (Exception e) {
            return "?";
        }
    }

    static double median(List<Double> xs) {
        return percentile(xs, 50);
    }

    static double percentile(List<Double> xs, double p) {
        if (xs.isEmpty()) {
            return Double.NaN;
        }
        List<Double> s = new ArrayList<>(xs);
        s.sort(Comparator.naturalOrder());
        if (p == 50 && s.size() % 2 == 0) {
            return (s.get(s.size() / 2 - 1) + s.get(s.size() / 2)) / 2;
        }
        int idx = (int) Math.ceil(p / 100.0 * s.size()) - 1;
        return s.get(Math.max(0, Math.min(s.size() - 1, idx)));
    }

    static double round(double v, int places) {
        double f = Math.pow(10, places);
        return Math.round(v * f) / f;
    }

    static String tail(String s, int n) {
        return s.length() <= n ? s : "…" + s.substring(s.length() - n);
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    static Map<String, String> env(String... kv) {
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i + 1 < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    static <K, V> Map<K, V> ordered() {
        return new LinkedHashMap<>();
    }
}

package codex.cli.bench;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The scripted OpenAI-compatible (Responses API) model the benchmarks run against, ours and the
 * Codex CLI alike. Stateless per request, so any number of sessions can share it: the prompt says
 * what to do ({@code bench steps=N tag=T login=0|1 deltas=K gap=MS}), the number of tool outputs
 * already in the request's input says how far the session got. While steps remain it asks for one
 * shell command in the caller's own tool (ours: {@code shell} with {@code ["bash","-lc",script]};
 * Codex: {@code exec_command} with {@code cmd}, which Codex runs in the user's login shell, or
 * {@code login:false} for a plain one); then it answers, streaming K text deltas GAP ms apart.
 * Every response can wait {@code delayMs} first (a model's think time, on a timer). It records, per
 * tag, when each response ended and when the next request arrived, and when each delta was sent.
 */
public final class BenchModel implements AutoCloseable {
    private static final Pattern STEPS = Pattern.compile("\\bsteps=(\\d+)");
    private static final Pattern TAG = Pattern.compile("\\btag=(\\S+)");
    private static final Pattern LOGIN = Pattern.compile("\\blogin=([01])");
    private static final Pattern DELTAS = Pattern.compile("\\bdeltas=(\\d+)");
    private static final Pattern GAP = Pattern.compile("\\bgap=(\\d+)");
    /** What each scripted command prints: its own start and end, bash's $EPOCHREALTIME (s.us). */
    private static final Pattern SPAN = Pattern.compile("bench-t (\\d+)\\.(\\d{6}) (\\d+)\\.(\\d{6})");

    /**
     * Step timings of one tag: response end (nanoTime) per step, request arrival per step; the same
     * two on the wall clock (epoch ns), and the span the command itself ran (its own first and last
     * line, printed by the command on the wall clock: bash has no monotonic clock; -1 when the
     * request carried none), so that command time and our own overhead compare on one clock.
     */
    public static final class Trace {
        public final List<Long> responseEnds = new ArrayList<>();
        public final List<Long> requestArrivals = new ArrayList<>();
        public final List<Long> deltaSent = new ArrayList<>();
        public final List<Long> responseEndsWall = new ArrayList<>();
        public final List<Long> requestArrivalsWall = new ArrayList<>();
        public final List<long[]> commandSpansWall = new ArrayList<>();

        /** Gaps in ms between the end of response i (a tool call) and the arrival of request i+1. */
        public synchronized List<Double> stepGapsMs() {
            List<Double> gaps = new ArrayList<>();
            for (int i = 0; i + 1 < requestArrivals.size() && i < responseEnds.size(); i++) {
                gaps.add((requestArrivals.get(i + 1) - responseEnds.get(i)) / 1e6);
            }
            return gaps;
        }

        /**
         * Per step with a command span: {gap, before, command, after} in ms on the wall clock.
         * before = response end -> the command's first line (SSE parse, policy, spawn, sandbox set-up,
         * bash's own start); after = the command's last line -> next request (bash's exit, output
         * capture, rollout, request build and send). Our own overhead = before + after = gap - command.
         */
        public synchronized List<double[]> stepSplitsMs() {
            List<double[]> out = new ArrayList<>();
            for (int i = 0; i + 1 < requestArrivalsWall.size() && i < responseEndsWall.size() && i + 1 < commandSpansWall.size(); i++) {
                long[] span = commandSpansWall.get(i + 1);
                if (span == null) {
                    continue;
                }
                long end = responseEndsWall.get(i);
                long next = requestArrivalsWall.get(i + 1);
                out.add(new double[] {(next - end) / 1e6, (span[0] - end) / 1e6, (span[1] - span[0]) / 1e6, (next - span[1]) / 1e6});
            }
            return out;
        }
    }

    static long wallNanos() {
        java.time.Instant now = java.time.Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    /** The span the last tool output of this request reports, or null. */
    static long[] commandSpan(JsonArray input) {
        String last = null;
        for (Object o : input) {
            if (o instanceof JsonObject item && item.getString("type", "").endsWith("_call_output")) {
                last = String.valueOf(item.getValue("output"));
            }
        }
        if (last == null) {
            return null;
        }
        Matcher m = SPAN.matcher(last);
        if (!m.find()) {
            return null;
        }
        return new long[] {Long.parseLong(m.group(1)) * 1_000_000_000L + Long.parseLong(m.group(2)) * 1000L,
                Long.parseLong(m.group(3)) * 1_000_000_000L + Long.parseLong(m.group(4)) * 1000L};
    }

    private final Vertx vertx;
    private final boolean ownVertx;
    private final HttpServer server;
    private final long delayMs;
    private final Map<String, Trace> traces = new ConcurrentHashMap<>();
    private final Map<String, Chain> chains = new ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicLong ids = new java.util.concurrent.atomic.AtomicLong();

    private record Chain(String prompt, int outputs) { }

    public BenchModel(long delayMs) {
        this(Vertx.vertx(), true, delayMs);
    }

    public BenchModel(Vertx vertx, boolean ownVertx, long delayMs) {
        this.vertx = vertx;
        this.ownVertx = ownVertx;
        this.delayMs = delayMs;
        this.server = vertx.createHttpServer().requestHandler(req -> {
            long arrived = System.nanoTime();
            long arrivedWall = wallNanos();
            req.body().onSuccess(body -> {
                JsonObject request = body.length() == 0 ? new JsonObject() : body.toJsonObject();
                if (delayMs > 0) {
                    vertx.setTimer(delayMs, t -> respond(request, arrived, arrivedWall, req.response()));
                } else {
                    respond(request, arrived, arrivedWall, req.response());
                }
            });
        });
        try {
            server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("bench model server did not start", e);
        }
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.actualPort() + "/v1";
    }

    public Trace trace(String tag) {
        return traces.computeIfAbsent(tag, t -> new Trace());
    }

    public void forget(String tag) {
        traces.remove(tag);
    }

    private void respond(JsonObject request, long arrived, long arrivedWall, HttpServerResponse resp) {
        JsonArray input = request.getJsonArray("input", new JsonArray());
        StringBuilder prompt = new StringBuilder();
        int outputs = 0;
        for (Object o : input) {
            if (!(o instanceof JsonObject item)) {
                continue;
            }
            String type = item.getString("type", "message");
            if (type.endsWith("_call_output")) {
                outputs++;
            } else if ("message".equals(type) && "user".equals(item.getString("role"))) {
                Object content = item.getValue("content");
                if (content instanceof String s) {
                    prompt.append(s).append('\n');
                } else if (content instanceof JsonArray parts) {
                    for (Object p : parts) {
                        if (p instanceof JsonObject part && part.getString("text") != null) {
                            prompt.append(part.getString("text")).append('\n');
                        }
                    }
                }
            }
        }
        // a client that stores responses (ours, by default) sends only the new items with
        // previous_response_id: carry the prompt and the count over from the response it names
        Chain previous = request.getString("previous_response_id") == null ? null
                : chains.get(request.getString("previous_response_id"));
        if (previous != null) {
            prompt.insert(0, previous.prompt);
            outputs += previous.outputs;
        }
        String text = prompt.toString();
        int steps = intOf(STEPS, text, 0);
        String tag = find(TAG, text, "untagged");
        boolean login = intOf(LOGIN, text, 1) == 1;
        Trace trace = trace(tag);
        synchronized (trace) {
            trace.requestArrivals.add(arrived);
            trace.requestArrivalsWall.add(arrivedWall);
            trace.commandSpansWall.add(commandSpan(input));
        }
        String id = "resp_" + tag + "_" + outputs + "_" + ids.incrementAndGet();
        chains.put(id, new Chain(text, outputs));
        resp.setChunked(true).putHeader("content-type", "text/event-stream");
        resp.write(event(new JsonObject().put("type", "response.created").put("response", new JsonObject().put("id", id))));
        if (outputs < steps) {
            // the command prints its own first and last instant: what it ran is told apart from our overhead
            String script = "s=$EPOCHREALTIME; echo step " + outputs + " >> steps.log; echo \"bench-t $s $EPOCHREALTIME\"";
            resp.write(event(new JsonObject().put("type", "response.output_item.done").put("item", call(request, "call_" + outputs, script, login))));
            resp.end(event(completed(id)));
            synchronized (trace) {
                trace.responseEnds.add(System.nanoTime());
                trace.responseEndsWall.add(wallNanos());
            }
            return;
        }
        int deltas = intOf(DELTAS, text, 1);
        long gap = intOf(GAP, text, 0);
        String answer = "Did " + steps + " steps.";
        resp.write(event(new JsonObject().put("type", "response.output_item.added").put("item",
                message("").put("content", new JsonArray()))));
        if (deltas <= 1 || gap <= 0) {
            resp.write(event(delta(answer)));
            finish(resp, id, answer, trace);
        } else {
            streamDeltas(resp, id, deltas, gap, 0, new StringBuilder(), trace);
        }
    }

    private void streamDeltas(HttpServerResponse resp, String id, int deltas, long gap, int k, StringBuilder sent, Trace trace) {
        if (k == deltas) {
            finish(resp, id, sent.toString(), trace);
            return;
        }
        String piece = "<" + k + ">";
        sent.append(piece);
        synchronized (trace) {
            trace.deltaSent.add(System.nanoTime());
        }
        resp.write(event(delta(piece)));
        vertx.setTimer(gap, t -> streamDeltas(resp, id, deltas, gap, k + 1, sent, trace));
    }

    private static void finish(HttpServerResponse resp, String id, String answer, Trace trace) {
        resp.write(event(new JsonObject().put("type", "response.output_item.done").put("item", message(answer))));
        resp.end(event(completed(id)));
        synchronized (trace) {
            trace.responseEnds.add(System.nanoTime());
            trace.responseEndsWall.add(wallNanos());
        }
    }

    /** The caller's own shell tool: Codex offers exec_command (or shell_command), we offer shell. */
    private static JsonObject call(JsonObject request, String callId, String script, boolean login) {
        List<String> tools = new ArrayList<>();
        for (Object t : request.getJsonArray("tools", new JsonArray())) {
            if (t instanceof JsonObject tool && tool.getString("name") != null) {
                tools.add(tool.getString("name"));
            }
        }
        String name;
        JsonObject args;
        if (tools.contains("exec_command")) {
            name = "exec_command";
            args = new JsonObject().put("cmd", script);
            if (!login) {
                args.put("login", false);
            }
        } else if (tools.contains("shell_command")) {
            name = "shell_command";
            args = new JsonObject().put("command", script);
            if (!login) {
                args.put("login", false);
            }
        } else {
            name = "shell";
            args = new JsonObject().put("command", new JsonArray().add("bash").add(login ? "-lc" : "-c").add(script));
        }
        return new JsonObject().put("type", "function_call").put("id", "fc_" + callId).put("call_id", callId)
                .put("name", name).put("arguments", args.encode());
    }

    private static JsonObject delta(String text) {
        return new JsonObject().put("type", "response.output_text.delta").put("item_id", "msg_1").put("output_index", 0)
                .put("content_index", 0).put("delta", text);
    }

    private static JsonObject message(String text) {
        return new JsonObject().put("type", "message").put("role", "assistant").put("id", "msg_1").put("status", "completed")
                .put("content", new JsonArray().add(new JsonObject().put("type", "output_text").put("text", text)
                        .put("annotations", new JsonArray())));
    }

    private static JsonObject completed(String id) {
        return new JsonObject().put("type", "response.completed").put("response", new JsonObject().put("id", id)
                .put("usage", new JsonObject().put("input_tokens", 100).put("output_tokens", 20).put("total_tokens", 120)
                        .put("input_tokens_details", new JsonObject().put("cached_tokens", 0))
                        .put("output_tokens_details", new JsonObject().put("reasoning_tokens", 0))));
    }

    private static String event(JsonObject e) {
        return "event: " + e.getString("type") + "\ndata: " + e.encode() + "\n\n";
    }

    private static int intOf(Pattern p, String text, int dflt) {
        Matcher m = p.matcher(text);
        return m.find() ? Integer.parseInt(m.group(1)) : dflt;
    }

    private static String find(Pattern p, String text, String dflt) {
        Matcher m = p.matcher(text);
        return m.find() ? m.group(1) : dflt;
    }

    @Override
    public void close() {
        try {
            if (ownVertx) {
                vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            } else {
                server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            }
        } catch (Exception ignored) {
            // shutting down
        }
    }

    /** Standalone: {@code BenchModel [DELAY_MS]} prints its base URL and serves until killed. */
    public static void main(String[] args) throws Exception {
        BenchModel model = new BenchModel(args.length > 0 ? Long.parseLong(args[0]) : 0);
        System.out.println(model.baseUrl());
        System.out.flush();
        Thread.currentThread().join();
    }
}

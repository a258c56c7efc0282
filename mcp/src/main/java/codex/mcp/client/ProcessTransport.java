package codex.mcp.client;

import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.spec.McpClientTransport;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * MCP over a child process's stdin/stdout (newline-delimited JSON-RPC), written for what the
 * SDK's StdioClientTransport does not give us: a working directory, knowing when and how the
 * process ended (exit code and the tail of its stderr, for the error a user sees), and killing
 * the whole process tree on close. Reading and writing run on this transport's own daemon
 * threads, never on the caller's (which may be a Vert.x event loop).
 */
final class ProcessTransport implements McpClientTransport {
    private static final int STDERR_LINES = 20;

    private final McpServerSpec spec;
    private final McpJsonMapper json;
    private final Consumer<String> stderrLines;
    private final Deque<String> stderrTail = new ArrayDeque<>();
    private final CompletableFuture<Integer> exited = new CompletableFuture<>();
    private final CompletableFuture<Void> stderrDone = new CompletableFuture<>();
    private final ExecutorService writer;
    private final Scheduler writeScheduler;
    private volatile Process process;
    private volatile OutputStream stdin;
    private volatile boolean closing;
    private volatile McpClientException startFailure;
    private Consumer<Throwable> exceptionHandler = t -> { };

    ProcessTransport(McpServerSpec spec, McpJsonMapper json, Consumer<String> stderrLines) {
        this.spec = spec;
        this.json = json;
        this.stderrLines = stderrLines;
        this.writer = Executors.newSingleThreadExecutor(daemon("mcp-" + spec.name() + "-writer"));
        this.writeScheduler = Schedulers.fromExecutorService(writer);
    }

    /** Completes with the exit code when the process has ended (also after close). */
    CompletableFuture<Integer> exited() {
        return exited;
    }

    /** Why the process could not be started, or null (the SDK's client swallows connect errors). */
    McpClientException startFailure() {
        return startFailure;
    }

    boolean closing() {
        return closing;
    }

    /** The last lines the server wrote on stderr, joined, or "" when it wrote none. */
    String stderrTail() {
        synchronized (stderrTail) {
            return String.join("\n", stderrTail);
        }
    }

    @Override
    public Mono<Void> connect(Function<Mono<McpSchema.JSONRPCMessage>, Mono<McpSchema.JSONRPCMessage>> handler) {
        return Mono.fromCallable(() -> {
            List<String> cmd = new ArrayList<>();
            cmd.add(spec.command());
            cmd.addAll(spec.args());
            ProcessBuilder pb = new ProcessBuilder(cmd);
            if (spec.cwd() != null) {
                pb.directory(spec.cwd().toFile());
            }
            pb.environment().putAll(spec.env());
            Process p;
            try {
                p = pb.start();
            } catch (IOException e) {
                startFailure = new McpClientException(McpClientException.Kind.START_FAILED,
                        "MCP server '" + spec.name() + "' could not start: " + e.getMessage(), e);
                exited.complete(-1);
                throw startFailure;
            }
            process = p;
            stdin = p.getOutputStream();
            // ended = exited and its stderr read to the end (bounded: a grandchild may hold the pipe), so
            // the error that reports the exit carries what the server said last
            p.onExit().thenCompose(done -> stderrDone.completeOnTimeout(null, 500, TimeUnit.MILLISECONDS)
                    .thenApply(x -> done.exitValue())).thenAccept(exited::complete);
            Thread out = daemon("mcp-" + spec.name() + "-stdout").newThread(() -> readStdout(p, handler));
            Thread err = daemon("mcp-" + spec.name() + "-stderr").newThread(() -> readStderr(p));
            out.start();
            err.start();
            return null;
        }).subscribeOn(writeScheduler).then();
    }

    private void readStdout(Process p, Function<Mono<McpSchema.JSONRPCMessage>, Mono<McpSchema.JSONRPCMessage>> handler) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                McpSchema.JSONRPCMessage message;
                try {
                    message = McpSchema.deserializeJsonRpcMessage(json, line);
                } catch (IOException | IllegalArgumentException e) {
                    remember("(not JSON-RPC on stdout) " + abbreviate(line));
                    continue;
                }
                handler.apply(Mono.just(message)).subscribe(reply -> { }, exceptionHandler);
            }
        } catch (IOException e) {
            if (!closing) {
                exceptionHandler.accept(e);
            }
        }
    }

    private void readStderr(Process p) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                remember(line);
                stderrLines.accept(line);
            }
        } catch (IOException ignored) {
            // the process ended
        } finally {
            stderrDone.complete(null);
        }
    }

    private void remember(String line) {
        synchronized (stderrTail) {
            if (stderrTail.size() == STDERR_LINES) {
                stderrTail.removeFirst();
            }
            stderrTail.addLast(abbreviate(line));
        }
    }

    private static String abbreviate(String line) {
        return line.length() > 500 ? line.substring(0, 500) + "…" : line;
    }

    @Override
    public Mono<Void> sendMessage(McpSchema.JSONRPCMessage message) {
        return Mono.<Void>fromCallable(() -> {
            OutputStream s = stdin;
            if (s == null || exited.isDone()) {
                // the process has ended: the connection fails what is pending with the exit code and
                // stderr; failing this write too would only race it with a vaguer error
                return null;
            }
            byte[] bytes = (json.writeValueAsString(message) + "\n").getBytes(StandardCharsets.UTF_8);
            try {
                s.write(bytes);
                s.flush();
            } catch (IOException e) {
                if (!exited.isDone() && process.isAlive()) {
                    throw e;
                }
                // broken pipe from a process that just ended: as above
            }
            return null;
        }).subscribeOn(writeScheduler);
    }

    @Override
    public void setExceptionHandler(Consumer<Throwable> handler) {
        this.exceptionHandler = handler;
    }

    @Override
    public Mono<Void> closeGracefully() {
        return Mono.<Void>fromRunnable(() -> {
            closing = true;
            Process p = process;
            if (p != null) {
                try {
                    p.getOutputStream().close();
                } catch (IOException ignored) {
                    // already gone
                }
                try {
                    if (!p.waitFor(Duration.ofSeconds(2).toMillis(), TimeUnit.MILLISECONDS)) {
                        p.descendants().forEach(ProcessHandle::destroy);
                        p.destroy();
                        if (!p.waitFor(2, TimeUnit.SECONDS)) {
                            p.descendants().forEach(ProcessHandle::destroyForcibly);
                            p.destroyForcibly();
                        }
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    p.destroyForcibly();
                }
            } else {
                exited.complete(-1);
            }
            writer.shutdown();
        }).subscribeOn(Schedulers.boundedElastic());
    }

    @Override
    public <T> T unmarshalFrom(Object data, TypeRef<T> typeRef) {
        return json.convertValue(data, typeRef);
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }
}

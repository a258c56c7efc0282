package codex.mcp.client;

import codex.mcp.McpJson;
import io.modelcontextprotocol.client.McpAsyncClient;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpClientTransport;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;

/**
 * One live connection to an MCP server, driven through the official SDK's async client.
 * Every operation returns a Vert.x Future completed on the context that opened the connection;
 * the SDK's Reactor threads and our transport threads never run our callers' code, and no
 * operation blocks the calling thread. Each operation is bounded: by its timeout, and for a
 * stdio server by the process ending, whichever comes first, with a message that says which.
 */
public final class McpConnection {
    private final McpServerSpec spec;
    private final Context context;
    private final McpAsyncClient client;
    private final ProcessTransport process; // null for HTTP
    private final Set<Promise<?>> pending = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    private McpConnection(McpServerSpec spec, Context context, McpAsyncClient client, ProcessTransport process) {
        this.spec = spec;
        this.context = context;
        this.client = client;
        this.process = process;
    }

    /**
     * Starts (or connects to) the server and runs the initialize handshake within the spec's
     * start-up timeout. Results arrive on the caller's context (a new one if called off Vert.x).
     *
     * @param stderrLines gets each line the server writes on stderr (stdio only), on a transport thread
     */
    public static Future<McpConnection> open(Vertx vertx, McpServerSpec spec, Consumer<String> stderrLines) {
        Context context = vertx.getOrCreateContext();
        ProcessTransport process = null;
        McpClientTransport transport;
        try {
            if (spec.isStdio()) {
                process = new ProcessTransport(spec, McpJson.SDK, stderrLines == null ? l -> { } : stderrLines);
                transport = process;
            } else {
                transport = httpTransport(spec);
            }
        } catch (RuntimeException e) {
            return Future.failedFuture(new McpClientException(McpClientException.Kind.START_FAILED,
                    "MCP server '" + spec.name() + "': " + e.getMessage(), e));
        }
        McpAsyncClient client = McpClient.async(transport)
                .clientInfo(new McpSchema.Implementation("codex-vertx", "Codex (codex-vertx)", version()))
                .requestTimeout(spec.toolTimeout().plus(spec.startupTimeout()).plusSeconds(5))
                .initializationTimeout(spec.startupTimeout().plusSeconds(5))
                .build();
        McpConnection connection = new McpConnection(spec, context, client, process);
        if (process != null) {
            process.exited().thenAccept(connection::onExit);
        }
        return connection.bounded(client.initialize(), spec.startupTimeout(), "initialize")
                .map(result -> connection)
                .onFailure(e -> connection.close());
    }

    private static McpClientTransport httpTransport(McpServerSpec spec) {
        URI uri = URI.create(spec.url());
        if (uri.getScheme() == null || uri.getHost() == null) {
            throw new IllegalArgumentException("not an http(s) URL: " + spec.url());
        }
        String base = uri.getScheme() + "://" + uri.getRawAuthority();
        String endpoint = (uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath())
                + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        HttpRequest.Builder request = HttpRequest.newBuilder();
        if (spec.bearerToken() != null && !spec.bearerToken().isEmpty()) {
            request.header("Authorization", "Bearer " + spec.bearerToken());
        }
        return HttpClientStreamableHttpTransport.builder(base)
                .endpoint(endpoint)
                .jsonMapper(McpJson.SDK)
                .requestBuilder(request)
                .connectTimeout(spec.startupTimeout())
                .build();
    }

    public McpServerSpec spec() {
        return spec;
    }

    /** What the server said about itself in initialize. */
    public McpSchema.InitializeResult initializeResult() {
        return client.getCurrentInitializationResult();
    }

    /** The server declared the tools capability in initialize. */
    public boolean offersTools() {
        McpSchema.InitializeResult init = client.getCurrentInitializationResult();
        return init != null && init.capabilities() != null && init.capabilities().tools() != null;
    }

    /**
     * Every tool, following pagination, within the start-up timeout. A server that did not declare
     * the tools capability has none (the list is empty; it is not asked).
     */
    public Future<List<McpSchema.Tool>> listTools() {
        if (!offersTools()) {
            return Future.succeededFuture(List.of());
        }
        List<McpSchema.Tool> all = new ArrayList<>();
        Mono<List<McpSchema.Tool>> pages = client.listTools()
                .expand(page -> page.nextCursor() == null || page.nextCursor().isEmpty() ? Mono.empty()
                        : client.listTools(page.nextCursor()))
                .doOnNext(page -> all.addAll(page.tools()))
                .then(Mono.fromSupplier(() -> List.copyOf(all)));
        return bounded(pages, spec.startupTimeout(), "tools/list");
    }

    /** The raw first page of tools/list, as the server sent it (for `codex mcp-client`). */
    public Future<McpSchema.ListToolsResult> listToolsPage(String cursor) {
        return bounded(cursor == null ? client.listTools() : client.listTools(cursor), spec.startupTimeout(), "tools/list");
    }

    /** Calls one tool within the tool timeout. A tool's own failure is a result with isError, not a failed future. */
    public Future<McpSchema.CallToolResult> callTool(String tool, Map<String, Object> arguments) {
        return callTool(tool, arguments, spec.toolTimeout());
    }

    public Future<McpSchema.CallToolResult> callTool(String tool, Map<String, Object> arguments, Duration timeout) {
        return bounded(client.callTool(new McpSchema.CallToolRequest(tool, arguments == null ? Map.of() : arguments)),
                timeout, "tools/call '" + tool + "'");
    }

    /** Closes the connection and, for stdio, ends the process (and its children). Never fails. */
    public Future<Void> close() {
        if (closed) {
            return Future.succeededFuture();
        }
        closed = true;
        Promise<Void> done = Promise.promise();
        client.closeGracefully().timeout(Duration.ofSeconds(6))
                .onErrorResume(e -> Mono.empty())
                .subscribe(null, e -> context.runOnContext(v -> done.tryComplete()),
                        () -> context.runOnContext(v -> done.tryComplete()));
        return done.future();
    }

    /** True once the stdio server's process has ended. */
    public boolean hasExited() {
        return process != null && process.exited().isDone();
    }

    private void onExit(int code) {
        if (process.closing() || process.startFailure() != null) {
            return;
        }
        for (Promise<?> p : List.copyOf(pending)) {
            context.runOnContext(v -> p.tryFail(new McpClientException(McpClientException.Kind.EXITED,
                    prefix() + " exited with code " + code + " " + ((PendingOp) p).whileDoing + stderrSuffix())));
        }
    }

    private <T> Future<T> bounded(Mono<T> operation, Duration timeout, String what) {
        PendingOp<T> promise = new PendingOp<>("during " + what);
        if (closed) {
            return Future.failedFuture(new McpClientException(McpClientException.Kind.EXITED, prefix() + " is closed"));
        }
        if (process != null && process.exited().isDone() && !"initialize".equals(what)) {
            return Future.failedFuture(new McpClientException(McpClientException.Kind.EXITED, prefix()
                    + " has exited (code " + process.exited().join() + ")" + stderrSuffix()));
        }
        pending.add(promise);
        if ("initialize".equals(what)) {
            promise.whileDoing = "before answering initialize";
        }
        Disposable subscription = operation.timeout(timeout).subscribe(
                value -> context.runOnContext(v -> promise.tryComplete(value)),
                error -> context.runOnContext(v -> promise.tryFail(translate(error, timeout, what))),
                () -> context.runOnContext(v -> promise.tryComplete(null)));
        if (process != null && process.exited().isDone() && !process.closing()) {
            onExit(process.exited().join());
        }
        return promise.future().onComplete(ar -> {
            pending.remove(promise);
            subscription.dispose();
        });
    }

    private RuntimeException translate(Throwable error, Duration timeout, String what) {
        Throwable root = error;
        while (root.getCause() != null && !(root instanceof McpClientException) && !(root instanceof McpError)
                && !(root instanceof TimeoutException)) {
            root = root.getCause();
        }
        if (root instanceof McpClientException e) {
            return e;
        }
        if (process != null && process.startFailure() != null) {
            return process.startFailure();
        }
        if (root instanceof TimeoutException) {
            return new McpClientException(McpClientException.Kind.TIMEOUT, prefix() + " did not answer " + what
                    + " within " + seconds(timeout) + stderrSuffix(), error);
        }
        if (process != null && process.exited().isDone() && !process.closing()) {
            return new McpClientException(McpClientException.Kind.EXITED, prefix() + " exited with code "
                    + process.exited().join() + " during " + what + stderrSuffix(), error);
        }
        if (root instanceof McpError e && e.getJsonRpcError() != null) {
            return new McpClientException(McpClientException.Kind.PROTOCOL, prefix() + " refused " + what + ": "
                    + e.getJsonRpcError().message() + " (JSON-RPC error " + e.getJsonRpcError().code() + ")", error);
        }
        McpClientException.Kind kind = "initialize".equals(what) ? McpClientException.Kind.START_FAILED
                : McpClientException.Kind.PROTOCOL;
        return new McpClientException(kind, prefix() + " failed " + what + ": " + McpError.aggregateExceptionMessages(error)
                + stderrSuffix(), error);
    }

    private String prefix() {
        return "MCP server '" + spec.name() + "' (" + spec.describe() + ")";
    }

    private String stderrSuffix() {
        String tail = process == null ? "" : process.stderrTail();
        return tail.isEmpty() ? "" : "; its stderr ends:\n" + tail;
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    private static String version() {
        String v = McpConnection.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    /** A pending operation and what to say if the process ends while it waits. */
    private static final class PendingOp<T> implements Promise<T> {
        private final Promise<T> delegate = Promise.promise();
        volatile String whileDoing;

        PendingOp(String whileDoing) {
            this.whileDoing = whileDoing;
        }

        @Override
        public boolean tryComplete(T result) {
            return delegate.tryComplete(result);
        }

        @Override
        public boolean tryFail(Throwable cause) {
            return delegate.tryFail(cause);
        }

        @Override
        public Future<T> future() {
            return delegate.future();
        }
    }
}

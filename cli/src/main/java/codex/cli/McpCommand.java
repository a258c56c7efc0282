package codex.cli;

import codex.config.CodexConfig;
import codex.gateway.GatewayClient;
import codex.mcp.server.CodexMcpServer;
import codex.mcp.server.CodexSessions;
import codex.mcp.server.CodexToolCall;
import codex.protocol.Event;
import codex.protocol.SessionConfig;
import codex.protocol.Submission;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.FileOutputStream;
import java.io.FileDescriptor;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "mcp", aliases = "mcp-server", mixinStandardHelpOptions = true, sortOptions = false,
        subcommands = {McpServersCommands.ListServers.class, McpServersCommands.GetServer.class,
                McpServersCommands.AddServer.class, McpServersCommands.RemoveServer.class},
        description = {"Serve Codex as an MCP server over stdio (the seed's codex mcp; alias mcp-server).",
                "With a command, manage the MCP servers Codex uses ([mcp_servers] in config.toml):",
                "list, get NAME, add NAME (--url URL | -- COMMAND...), remove NAME.",
                "Tools: codex (prompt plus optional model, cwd, approval-policy, sandbox-permissions,",
                "disable-response-storage: runs a whole turn) and codex-reply (sessionId, prompt).",
                "Each event streams as a codex/event notification; approvals are asked by elicitation",
                "when the client supports it, else refused. Logs go to stderr; stdout is the protocol."})
public final class McpCommand implements Callable<Integer> {

    @Option(names = {"-c", "--config"}, paramLabel = "key=value", description = "Override a config value (repeatable).")
    List<String> overrides = new ArrayList<>();

    @Option(names = {"-p", "--profile"}, paramLabel = "NAME", description = "Config profile.")
    String profile;

    @Override
    public Integer call() throws Exception {
        // stdout carries the protocol alone: whatever else prints goes to stderr
        PrintStream protocolOut = new PrintStream(new FileOutputStream(FileDescriptor.out), false);
        System.setOut(System.err);
        Path serverCwd = Path.of("").toAbsolutePath();
        Map<String, String> env = System.getenv();
        CodexConfig base;
        try {
            base = SessionSetup.loadConfig(options(serverCwd, null), env); // a broken config.toml fails now, not at the first call
        } catch (RuntimeException e) {
            System.err.println("error: " + e.getMessage());
            return 2;
        }
        Vertx vertx = Services.newLocalVertx();
        try {
            vertx.getOrCreateContext();
            Services.deployAll(vertx, env, base.notifyCommand(), "codex-mcp-server").toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
            Backend backend = new Backend(vertx, serverCwd, env);
            java.util.concurrent.CompletableFuture<Void> served = new java.util.concurrent.CompletableFuture<>();
            vertx.getOrCreateContext().runOnContext(v -> CodexMcpServer.serveStdio(vertx, backend, System.in, protocolOut)
                    .onComplete(ar -> served.complete(null)));
            served.get();
            return 0;
        } finally {
            try {
                vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            } catch (Exception ignored) {
                // exiting anyway
            }
        }
    }

    private SessionSetup.Options options(Path cwd, CodexToolCall call) {
        List<String> all = new ArrayList<>(overrides);
        if (call != null && call.disableResponseStorage() != null) {
            all.add("disable_response_storage=" + call.disableResponseStorage());
        }
        return new SessionSetup.Options(cwd, true, all, profile, call == null ? null : call.model(),
                call == null || call.sandboxPermissions() == null ? List.of() : call.sandboxPermissions(), false,
                call == null ? null : call.approvalPolicy(), "codex mcp");
    }

    /** Sessions on the in-process gateway, opened with the server's config plus the call's settings. */
    private final class Backend implements CodexSessions {
        private final Vertx vertx;
        private final GatewayClient client;
        private final Path serverCwd;
        private final Map<String, String> env;

        Backend(Vertx vertx, Path serverCwd, Map<String, String> env) {
            this.vertx = vertx;
            this.client = new GatewayClient(vertx);
            this.serverCwd = serverCwd;
            this.env = env;
        }

        @Override
        public Future<String> open(Object principal, CodexToolCall call, Consumer<Event> events) {
            // config files and AGENTS.md are read off the event loop
            return vertx.executeBlocking(() -> sessionConfig(call))
                    .compose(config -> client.createSession(config, null))
                    .compose(id -> client.subscribe(id, 0, events).map(consumer -> {
                        followed.put(id, consumer);
                        return id;
                    }));
        }

        private SessionConfig sessionConfig(CodexToolCall call) {
            Path cwd = call.cwd() == null ? serverCwd : serverCwd.resolve(call.cwd()).normalize();
            if (!Files.isDirectory(cwd)) {
                throw new IllegalArgumentException("cwd " + cwd + " is not a directory");
            }
            try {
                cwd = cwd.toRealPath();
            } catch (java.io.IOException e) {
                throw new IllegalArgumentException("cannot use cwd " + cwd + ": " + e.getMessage());
            }
            CodexConfig config = SessionSetup.loadConfig(options(cwd, call), env);
            if (config.provider().requiresApiKey() && config.provider().apiKey(env).isEmpty()) {
                throw new IllegalStateException(config.provider().missingKeyMessage());
            }
            return SessionConfigs.of(config, cwd);
        }

        private final java.util.Map<String, io.vertx.core.eventbus.MessageConsumer<?>> followed = new java.util.HashMap<>();

        @Override
        public void release(Object principal, String sessionId) {
            var consumer = followed.remove(sessionId);
            if (consumer != null) {
                consumer.unregister();
            }
        }

        @Override
        public Future<Void> submit(Object principal, String sessionId, Submission submission) {
            return client.submit(sessionId, submission);
        }
    }
}

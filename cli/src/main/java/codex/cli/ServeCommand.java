package codex.cli;

import codex.config.CodexConfig;
import codex.config.ConfigLoader;
import codex.config.ConfigOptions;
import codex.gateway.HttpGatewayVerticle;
import codex.gateway.AgentSessionDirectory;
import codex.gateway.http.CreateSessionRequest;
import codex.gateway.http.GatewaySettings;
import codex.gateway.http.HostCheck;
import codex.gateway.http.Identity;
import codex.gateway.http.SessionOwners;
import codex.gateway.http.TokenRegistry;
import codex.gateway.http.WebLogins;
import codex.mcp.server.CodexMcpServer;
import codex.protocol.Json;
import codex.protocol.ApprovalPolicy;
import codex.protocol.SessionConfig;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "serve", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Serve the HTTP API v1 for team tooling (token-protected).",
                "Create or resume sessions, send submissions, follow events as Server-Sent Events.",
                "Every /api request needs 'Authorization: Bearer TOKEN': a token of [[gateway.tokens]] in config.toml",
                "(identities: user or admin), or the admin token $CODEX_SERVE_TOKEN, else a new random one",
                "written to $CODEX_HOME/serve.token (0600). [gateway.policy] bounds what clients may ask for.",
                "Listening on anything but loopback needs configured tokens or $CODEX_SERVE_TOKEN.",
                "It also serves the web client at / and prints a one-time login link for it.",
                "The API is described in gateway/README.md. Ctrl-C stops the server."})
public final class ServeCommand implements Callable<Integer> {

    @picocli.CommandLine.Mixin
    ReadyFileOption ready = new ReadyFileOption();

    @Option(names = "--host", paramLabel = "HOST", description = "Address to listen on (default 127.0.0.1: this machine only).")
    String host = "127.0.0.1";

    @Option(names = "--port", paramLabel = "PORT", description = "Port to listen on (default 8765; 0 picks a free one).")
    int port = 8765;

    @Option(names = {"-c", "--config"}, paramLabel = "key=value", description = "Override a config value for every session.")
    List<String> overrides = new ArrayList<>();

    @Option(names = {"-p", "--profile"}, paramLabel = "NAME", description = "Config profile for every session.")
    String profile;

    @Option(names = "--cluster", description = "Join a cluster: the services not run here run in `codex service` processes.")
    boolean clustered;

    @Option(names = "--services", paramLabel = "LIST", split = ",",
            description = "Services to run in this process (default all; with --cluster e.g. gateway or agent,gateway).")
    List<String> serviceNames = new ArrayList<>();

    @picocli.CommandLine.Mixin
    ClusterOptions cluster = new ClusterOptions();

    /** The identity of the single-admin token ($CODEX_SERVE_TOKEN or serve.token) in logs and events. */
    static final String ADMIN_SHORTCUT = "serve-admin";

    @Override
    public Integer call() throws Exception {
        Map<String, String> env = System.getenv();
        CodexConfig base;
        try {
            base = ConfigLoader.load(new ConfigOptions(null, env, overrides, profile, null, null, null, null));
        } catch (RuntimeException e) {
            System.err.println("error: " + e.getMessage());
            return 2;
        }
        GatewaySettings settings;
        try {
            var table = ConfigLoader.rawTable(base.codexHome(), "gateway");
            settings = GatewaySettings.parse(table == null ? null
                    : new JsonObject(Json.MAPPER.convertValue(table, Map.class)), base.configFile().toString());
        } catch (RuntimeException e) {
            System.err.println("error: " + e.getMessage());
            return 2;
        }
        String token = env.get("CODEX_SERVE_TOKEN");
        String tokenSource = "$CODEX_SERVE_TOKEN";
        boolean explicitTokens = !settings.tokens().isEmpty() || (token != null && !token.isBlank());
        if (!HostCheck.isLoopback(host)) {
            if (!explicitTokens) {
                System.err.println("error: --host " + host + " makes the API reachable from other machines; configure"
                        + " [[gateway.tokens]] in " + base.configFile() + " or set CODEX_SERVE_TOKEN first");
                return 2;
            }
            System.err.println("warning: listening on " + host + ": anyone who can reach this port and holds a token"
                    + " runs commands on this machine; put TLS in front of it");
        }
        if (token == null || token.isBlank()) {
            byte[] bytes = new byte[24];
            new SecureRandom().nextBytes(bytes);
            token = HexFormat.of().formatHex(bytes);
            Path file = base.codexHome().resolve("serve.token");
            try {
                Files.createDirectories(base.codexHome());
                Files.deleteIfExists(file);
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                Files.writeString(file, token + "\n");
            } catch (IOException e) {
                System.err.println("error: cannot write the API token to " + file + ": " + e.getMessage());
                return 1;
            }
            tokenSource = file.toString();
        } else if (token.length() < TokenRegistry.MIN_TOKEN_LENGTH) {
            System.err.println("error: CODEX_SERVE_TOKEN must be at least " + TokenRegistry.MIN_TOKEN_LENGTH + " characters");
            return 2;
        }
        TokenRegistry tokens;
        try {
            TokenRegistry.Builder builder = TokenRegistry.builder();
            for (TokenRegistry.Entry entry : settings.tokens().entries()) {
                builder.entry(entry);
            }
            tokens = builder.token(ADMIN_SHORTCUT, Identity.Role.ADMIN, token).build();
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            return 2;
        }
        SessionOwners owners;
        try {
            owners = new SessionOwners(base.codexHome().resolve("gateway").resolve("sessions.jsonl"));
        } catch (RuntimeException e) {
            System.err.println("error: " + e.getMessage());
            return 1;
        }
        java.util.Set<Services.Service> services = java.util.EnumSet.allOf(Services.Service.class);
        if (!serviceNames.isEmpty()) {
            services.clear();
            try {
                serviceNames.forEach(n -> services.add(Services.Service.parse(n)));
            } catch (IllegalArgumentException e) {
                System.err.println("error: " + e.getMessage());
                return 2;
            }
        }
        var metrics = codex.gateway.metrics.Monitoring.newRegistry();
        Vertx vertx;
        try {
            vertx = clustered ? Cluster.start(cluster.toOptions(), metrics) : Services.newLocalVertx(metrics);
        } catch (IllegalArgumentException e) { // a usage error: TLS required, a bad --cluster-port
            System.err.println("error: " + e.getMessage());
            return 2;
        } catch (Exception e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            System.err.println("error: cannot join cluster '" + cluster.name + "': " + cause.getMessage());
            return 1;
        }
        enableAccessLog();
        boolean agentHere = services.contains(Services.Service.AGENT);
        WebLogins logins = new WebLogins();
        AgentSessionDirectory recorded = new AgentSessionDirectory(vertx, base.codexHome()); // asked of agent-service
        HttpGatewayVerticle http = new HttpGatewayVerticle(request -> sessionFor(request, env, agentHere),
                recorded, tokens, settings, owners, logins, host, port).withMetrics(metrics).withAudit(recorded::events);
        // the same MCP server as `codex mcp`, over Streamable HTTP at /mcp, for the same tokens
        CodexMcpServer mcp = CodexMcpServer.http(vertx, new ServeMcpSessions(vertx, http, Path.of("").toAbsolutePath()));
        http.withMcp(mcp::handleHttp);
        try {
            Services.deploy(vertx, env, services, base.notifyCommand()).compose(v -> vertx.deployVerticle(http))
                    .toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            System.err.println("error: cannot serve on " + host + ":" + port + ": " + cause.getMessage());
            vertx.close();
            return 1;
        }
        System.out.println("codex-vertx API v1 listening on http://" + host + ":" + http.actualPort()
                + "/api/v1 (admin token: " + tokenSource + "; " + settings.tokens().identities().size()
                + " configured identities)");
        System.out.println("MCP (Streamable HTTP, same tokens): http://" + host + ":" + http.actualPort() + "/mcp");
        System.out.println("ceiling: " + settings.policy().describe());
        String linkHost = host.equals("0.0.0.0") || host.equals("::") ? "127.0.0.1" : host.contains(":") ? "[" + host + "]" : host;
        System.out.println("web client: http://" + linkHost + ":" + http.actualPort() + "/?token="
                + logins.issueCode(new Identity(ADMIN_SHORTCUT, Identity.Role.ADMIN))
                + " (logs in as " + ADMIN_SHORTCUT + "; the link works once, for an hour; the login form takes any token)");
        System.out.flush();
        if (!ready.markReady("listening on " + host + ":" + http.actualPort())) {
            vertx.close();
            return 1;
        }
        ServiceCommand.runUntilStopped(vertx);
        return 0;
    }

    /** Held strongly: java.util.logging keeps loggers only weakly, and a collected one loses its handler. */
    private static final java.util.logging.Logger ACCESS_LOG = java.util.logging.Logger.getLogger("codex.gateway.access");

    /** One line per request on stderr (method, path, status, duration, identity), next to the warnings. */
    private static void enableAccessLog() {
        var handler = new java.util.logging.ConsoleHandler();
        handler.setLevel(java.util.logging.Level.INFO);
        handler.setFormatter(new java.util.logging.Formatter() {
            @Override
            public String format(java.util.logging.LogRecord record) {
                return "access: " + record.getMessage() + System.lineSeparator();
            }
        });
        ACCESS_LOG.setUseParentHandlers(false);
        ACCESS_LOG.setLevel(java.util.logging.Level.INFO);
        ACCESS_LOG.addHandler(handler);
    }

    /** A session for an HTTP client: this server's config, the request's choices on top. */
    /** @param checkKey the agent runs in this process, so its API key must be here (else the agent process checks) */
    private SessionConfig sessionFor(CreateSessionRequest request, Map<String, String> env, boolean checkKey) {
        String cwdText = request.cwd();
        Path cwd = Path.of(cwdText);
        if (!cwd.isAbsolute() || !Files.isDirectory(cwd)) {
            throw new IllegalArgumentException("cwd must be an absolute path of an existing folder: " + cwdText);
        }
        List<String> sessionOverrides = new ArrayList<>(overrides);
        sessionOverrides.addAll(request.config());
        String policy = request.approvalPolicy();
        // sandbox_mode joins the permission list the way `-s MODE` does (the ceiling then checks the result)
        List<String> sandbox = new ArrayList<>();
        if (request.sandboxMode() != null) {
            sandbox.add(codex.config.SandboxMode.parse(request.sandboxMode()).wireName());
        }
        sandbox.addAll(request.sandboxPermissions());
        CodexConfig config;
        try {
            config = SessionSetup.loadConfig(new SessionSetup.Options(cwd, true, sessionOverrides,
                    request.profile() != null ? request.profile() : profile, request.model(),
                    sandbox, false, policy == null ? null : ApprovalPolicy.parse(policy), "codex serve"), env);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        if (checkKey && config.provider().requiresApiKey() && config.provider().apiKey(env).isEmpty()) {
            throw new IllegalArgumentException("the server cannot reach the model: " + config.provider().missingKeyMessage());
        }
        try {
            return SessionConfigs.of(config, cwd.toRealPath());
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot use cwd " + cwdText + ": " + e.getMessage());
        }
    }
}

package codex.cli;

import codex.agent.rollout.RolloutFiles;
import codex.config.CodexConfig;
import codex.config.ConfigLoader;
import codex.config.ConfigOptions;
import codex.gateway.HttpGatewayVerticle;
import codex.protocol.ApprovalPolicy;
import codex.protocol.SessionConfig;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
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
                "Every /api request needs 'Authorization: Bearer TOKEN';",
                "the token is $CODEX_SERVE_TOKEN, or a new random one written to $CODEX_HOME/serve.token (0600).",
                "The API is described in gateway/README.md. Ctrl-C stops the server."})
public final class ServeCommand implements Callable<Integer> {

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
        String token = env.get("CODEX_SERVE_TOKEN");
        String tokenSource = "$CODEX_SERVE_TOKEN";
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
        } else if (token.length() < 16) {
            System.err.println("error: CODEX_SERVE_TOKEN must be at least 16 characters");
            return 2;
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
        Vertx vertx;
        try {
            vertx = clustered ? Cluster.start(cluster.toOptions()) : Services.newLocalVertx();
        } catch (Exception e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            System.err.println("error: cannot join cluster '" + cluster.name + "': " + cause.getMessage());
            return 1;
        }
        boolean agentHere = services.contains(Services.Service.AGENT);
        HttpGatewayVerticle http = new HttpGatewayVerticle(request -> sessionFor(request, env, agentHere), limit -> recorded(base.codexHome(), limit),
                token, host, port);
        try {
            Services.deploy(vertx, env, services).compose(v -> vertx.deployVerticle(http))
                    .toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            System.err.println("error: cannot serve on " + host + ":" + port + ": " + cause.getMessage());
            vertx.close();
            return 1;
        }
        System.out.println("codex-vertx API v1 listening on http://" + host + ":" + http.actualPort()
                + "/api/v1 (token: " + tokenSource + ")");
        System.out.flush();
        ServiceCommand.runUntilStopped(vertx);
        return 0;
    }

    /** A session for an HTTP client: this server's config, the request's choices on top. */
    /** @param checkKey the agent runs in this process, so its API key must be here (else the agent process checks) */
    private SessionConfig sessionFor(JsonObject request, Map<String, String> env, boolean checkKey) {
        String cwdText = request.getString("cwd");
        if (cwdText == null || cwdText.isBlank()) {
            throw new IllegalArgumentException("cwd is required: the absolute path of the folder to work in");
        }
        Path cwd = Path.of(cwdText);
        if (!cwd.isAbsolute() || !Files.isDirectory(cwd)) {
            throw new IllegalArgumentException("cwd must be an absolute path of an existing folder: " + cwdText);
        }
        List<String> sessionOverrides = new ArrayList<>(overrides);
        request.getJsonArray("config", new JsonArray()).forEach(o -> sessionOverrides.add(String.valueOf(o)));
        JsonArray perms = request.getJsonArray("sandbox_permissions", new JsonArray());
        String policy = request.getString("approval_policy");
        CodexConfig config;
        try {
            config = SessionSetup.loadConfig(new SessionSetup.Options(cwd, true, sessionOverrides,
                    request.getString("profile", profile), request.getString("model"),
                    perms.stream().map(String::valueOf).toList(), false,
                    policy == null ? null : ApprovalPolicy.parse(policy), "codex serve"), env);
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

    private JsonArray recorded(Path codexHome, int limit) throws IOException {
        JsonArray out = new JsonArray();
        for (RolloutFiles.SessionSummary s : new RolloutFiles(codexHome).list(limit, null)) {
            out.add(new JsonObject().put("session_id", s.sessionId()).put("started_at", s.startedAt().toString())
                    .put("cwd", s.cwd()).put("preview", s.preview()));
        }
        return out;
    }
}

package codex.cli;

import codex.agent.AgentVerticle;
import codex.gateway.GatewayVerticle;
import codex.notifier.NotifierVerticle;
import codex.config.ConfigLoader;
import codex.config.ConfigOptions;
import codex.config.SandboxSettings;
import codex.sandbox.CommandExecutor;
import codex.sandbox.CommandLimits;
import codex.sandbox.SandboxVerticle;
import codex.sandbox.SandboxedExecutor;
import io.micrometer.core.instrument.Metrics;
import io.vertx.core.Future;
import io.vertx.core.ThreadingModel;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.file.FileSystemOptions;
import java.util.List;
import java.util.Map;

/** Boots every service of the system inside this JVM (what `codex exec` and friends run on). */
public final class Services {
    private Services() {
    }

    /** Small and quick to start: one process, a handful of threads, no file cache, no DNS resolver of its own. */
    public static Vertx newLocalVertx() {
        return newLocalVertx(null);
    }

    /** @param metrics where Vert.x reports its meters (`codex serve`), or null for none */
    public static Vertx newLocalVertx(io.micrometer.prometheusmetrics.PrometheusMeterRegistry metrics) {
        CodexMain.quietLogging();
        System.setProperty("vertx.disableDnsResolver", "true");
        VertxOptions options = new VertxOptions()
                .setEventLoopPoolSize(2)
                .setWorkerPoolSize(4)
                .setInternalBlockingPoolSize(2)
                .setFileSystemOptions(new FileSystemOptions().setFileCachingEnabled(false)
                        .setClassPathResolvingEnabled(false));
        return metrics == null ? Vertx.vertx(options)
                : codex.gateway.metrics.Monitoring.instrument(Vertx.builder(), options, metrics).build();
    }

    /** The services a process can run; a cluster spreads them over several processes. */
    public enum Service { SANDBOX, NOTIFIER, AGENT, GATEWAY;

        public static Service parse(String name) {
            try {
                return valueOf(name.trim().toUpperCase(java.util.Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown service '" + name + "'; services are: sandbox, notifier, agent, gateway");
            }
        }
    }

    /**
     * Deploys sandbox, notifier, agent and gateway, in that order (each only needs those before it to answer).
     *
     * @param notifyProgram argv of {@code notify} from this process's config (the notifier runs nothing else)
     */
    public static Future<Void> deployAll(Vertx vertx, Map<String, String> env, List<String> notifyProgram) {
        return deployAll(vertx, env, notifyProgram, DEFAULT_CLIENT);
    }

    /** @param client the notify payload's {@code client}: which front end this process is */
    public static Future<Void> deployAll(Vertx vertx, Map<String, String> env, List<String> notifyProgram, String client) {
        return deploy(vertx, env, java.util.EnumSet.allOf(Service.class), notifyProgram, client);
    }

    /** The notify payload's {@code client} of processes that are no particular front end (codex serve, codex service). */
    public static final String DEFAULT_CLIENT = "codex-vertx-gateway";

    /** Deploys the chosen services, in dependency order. */
    public static Future<Void> deploy(Vertx vertx, Map<String, String> env, java.util.Set<Service> services,
                                      List<String> notifyProgram) {
        return deploy(vertx, env, services, notifyProgram, DEFAULT_CLIENT);
    }

    /** Deploys the chosen services, in dependency order; client as in {@link #deployAll(Vertx, Map, List, String)}. */
    public static Future<Void> deploy(Vertx vertx, Map<String, String> env, java.util.Set<Service> services,
                                      List<String> notifyProgram, String client) {
        return deploy(vertx, env, services, notifyProgram, client, null);
    }

    /**
     * Every service, for one front end's session in this JVM; the sandbox's executor is lazySandbox,
     * made by the first command (see {@link LazyExecutor}).
     */
    static Future<Void> deployLocal(Vertx vertx, Map<String, String> env, List<String> notifyProgram, String client,
                                    LazyExecutor lazySandbox) {
        return deploy(vertx, env, java.util.EnumSet.allOf(Service.class), notifyProgram, client, lazySandbox);
    }

    private static Future<Void> deploy(Vertx vertx, Map<String, String> env, java.util.Set<Service> services,
                                       List<String> notifyProgram, String client, LazyExecutor lazySandbox) {
        java.util.function.Supplier<CommandExecutor> executor = lazySandbox == null
                ? () -> new SandboxedExecutor(sandboxLimits(env))
                : () -> {
                    CommandLimits limits = sandboxLimits(env); // a bad [sandbox] table still stops the start
                    return lazySandbox.makeWith(() -> new SandboxedExecutor(limits));
                };
        DeploymentOptions eventLoop = new DeploymentOptions().setThreadingModel(ThreadingModel.EVENT_LOOP);
        Future<String> chain = Future.succeededFuture("");
        for (Service service : Service.values()) {
            if (services.contains(service)) {
                chain = chain.compose(id -> vertx.deployVerticle(switch (service) {
                    // [sandbox] is read on the verticle's worker, with the executor (file I/O off the event loop)
                    case SANDBOX -> new SandboxVerticle(executor, () -> shellSnapshots(env));
                    case NOTIFIER -> new NotifierVerticle(notifyProgram, client);
                    case AGENT -> new AgentVerticle(env);
                    // sessions it did not create itself (after a restart) are replayed from this home's logs
                    case GATEWAY -> new GatewayVerticle(Metrics.globalRegistry,
                            ConfigLoader.resolveCodexHome(ConfigOptions.defaults().withEnv(env)).toString());
                }, eventLoop));
            }
        }
        return chain.mapEmpty();
    }

    /** {@code [features] shell_snapshot} from this environment's config.toml; files under {@code $CODEX_HOME/shell_snapshots}. */
    public static codex.sandbox.ShellSnapshots.Settings shellSnapshots(Map<String, String> env) {
        java.nio.file.Path codexHome = codex.config.ConfigLoader.resolveCodexHome(
                codex.config.ConfigOptions.defaults().withEnv(env));
        return new codex.sandbox.ShellSnapshots.Settings(codex.config.FeatureSettings.read(codexHome).shellSnapshot(),
                codexHome.resolve("shell_snapshots"));
    }

    /** The per-command limits from {@code [sandbox]} in this environment's config.toml (defaults when unset). */
    public static CommandLimits sandboxLimits(Map<String, String> env) {
        SandboxSettings settings = SandboxSettings.read(env);
        try {
            return CommandLimits.of(settings.maxProcesses(), settings.maxMemoryMb());
        } catch (IllegalArgumentException e) {
            throw new codex.config.ConfigException("[sandbox] in config.toml: " + e.getMessage());
        }
    }
}

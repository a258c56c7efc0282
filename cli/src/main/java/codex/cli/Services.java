package codex.cli;

import codex.agent.AgentVerticle;
import codex.gateway.GatewayVerticle;
import codex.notifier.NotifierVerticle;
import codex.sandbox.SandboxVerticle;
import io.vertx.core.Future;
import io.vertx.core.ThreadingModel;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.file.FileSystemOptions;
import java.util.Map;

/** Boots every service of the system inside this JVM (what `codex exec` and friends run on). */
public final class Services {
    private Services() {
    }

    /** Small and quick to start: one process, a handful of threads, no file cache, no DNS resolver of its own. */
    public static Vertx newLocalVertx() {
        CodexMain.quietLogging();
        System.setProperty("vertx.disableDnsResolver", "true");
        return Vertx.vertx(new VertxOptions()
                .setEventLoopPoolSize(2)
                .setWorkerPoolSize(4)
                .setInternalBlockingPoolSize(2)
                .setFileSystemOptions(new FileSystemOptions().setFileCachingEnabled(false)
                        .setClassPathResolvingEnabled(false)));
    }

    /** Deploys sandbox, notifier, agent and gateway, in that order (each only needs those before it to answer). */
    public static Future<Void> deployAll(Vertx vertx, Map<String, String> env) {
        DeploymentOptions eventLoop = new DeploymentOptions().setThreadingModel(ThreadingModel.EVENT_LOOP);
        return vertx.deployVerticle(new SandboxVerticle(), eventLoop)
                .compose(id -> vertx.deployVerticle(new NotifierVerticle(), eventLoop))
                .compose(id -> vertx.deployVerticle(new AgentVerticle(env), eventLoop))
                .compose(id -> vertx.deployVerticle(new GatewayVerticle(), eventLoop))
                .mapEmpty();
    }
}

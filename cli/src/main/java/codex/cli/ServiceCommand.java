package codex.cli;

import codex.config.ConfigLoader;
import codex.config.ConfigOptions;
import io.vertx.core.Vertx;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "service", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run some of the services in this process, clustered with the others over the event bus.",
                "Services: sandbox, notifier, agent, gateway. Example, three processes on one machine:",
                "  codex service sandbox notifier",
                "  codex service agent",
                "  codex serve --cluster --services gateway",
                "The sandbox process owns the workspace; agent processes need the API keys; the notifier runs"
                        + " the notify program of its own config.toml. Ctrl-C stops."})
public final class ServiceCommand implements Callable<Integer> {

    @Mixin
    ClusterOptions cluster = new ClusterOptions();

    @Mixin
    ReadyFileOption ready = new ReadyFileOption();

    @Parameters(paramLabel = "SERVICE", arity = "1..*", description = "sandbox, notifier, agent, gateway")
    List<String> names;

    @Override
    public Integer call() throws Exception {
        Set<Services.Service> services = EnumSet.noneOf(Services.Service.class);
        try {
            names.forEach(n -> services.add(Services.Service.parse(n)));
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            return 2;
        }
        List<String> notifyProgram = List.of();
        if (services.contains(Services.Service.NOTIFIER)) {
            try { // the notifier runs the notify program of this machine's config, never one from a message
                notifyProgram = ConfigLoader.load(ConfigOptions.defaults()).notifyCommand();
            } catch (RuntimeException e) {
                System.err.println("error: " + e.getMessage());
                return 2;
            }
        }
        Vertx vertx;
        long startedNanos = System.nanoTime();
        try {
            vertx = Cluster.start(cluster.toOptions());
            Services.deploy(vertx, System.getenv(), services, notifyProgram).toCompletionStage().toCompletableFuture()
                    .get(60, TimeUnit.SECONDS);
        } catch (IllegalArgumentException e) { // a usage error: TLS required, a bad --cluster-port
            System.err.println("error: " + e.getMessage());
            return 2;
        } catch (Exception e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            String why = cause instanceof java.util.concurrent.TimeoutException
                    ? "not ready after 60 s (are the --cluster-member addresses reachable?)" : String.valueOf(cause.getMessage());
            System.err.println("error: cannot start " + services + " in cluster '" + cluster.name + "': " + why);
            return 1;
        }
        String readyLine = "codex-vertx " + services.toString().toLowerCase(java.util.Locale.ROOT) + " joined cluster '"
                + cluster.name + "', ready in " + (System.nanoTime() - startedNanos) / 1_000_000 + " ms (pid "
                + ProcessHandle.current().pid() + ")";
        System.out.println(readyLine);
        System.out.flush();
        if (!ready.markReady(readyLine)) {
            vertx.close();
            return 1;
        }
        runUntilStopped(vertx);
        return 0;
    }

    /**
     * Blocks until Ctrl-C or SIGTERM, then closes Vert.x (undeploying every verticle, so session logs
     * are flushed). On SIGTERM the JVM exits when its shutdown hooks end, so the hook itself waits
     * for the close.
     */
    static void runUntilStopped(Vertx vertx) throws InterruptedException {
        CountDownLatch stop = new CountDownLatch(1);
        java.util.concurrent.atomic.AtomicBoolean closing = new java.util.concurrent.atomic.AtomicBoolean();
        Runnable close = () -> {
            if (closing.compareAndSet(false, true)) {
                try {
                    vertx.close().toCompletionStage().toCompletableFuture().get(15, TimeUnit.SECONDS);
                } catch (Exception e) {
                    System.err.println("warning: shutdown did not finish cleanly: " + e.getMessage());
                }
            }
        };
        CtrlC.install(stop::countDown);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stop.countDown();
            close.run();
        }));
        stop.await();
        close.run();
    }
}

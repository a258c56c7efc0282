package codex.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import codex.protocol.Addresses;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The event bus between cluster members is mutual TLS: a sandbox service started with
 * --cluster-tls runs a command for a member holding the cluster's key, and nothing for a process
 * that joined Hazelcast without TLS, with a key of another CA, or under another cluster name.
 * Each attack sends the sandbox a command that would create a file; the file must not appear.
 */
class ClusterTlsTest {
    @TempDir
    static Path tmp;
    static Path clusterTls;
    static Path foreignTls;

    static void makeTls(Path dir) throws Exception {
        Process p = new ProcessBuilder("sh", CodexProcess.repoRoot().resolve("docker/cluster-tls.sh").toString(),
                dir.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
    }

    @BeforeAll
    static void certificates() throws Exception {
        clusterTls = tmp.resolve("tls");
        foreignTls = tmp.resolve("foreign-tls");
        makeTls(clusterTls);
        makeTls(foreignTls);
    }

    private static JsonObject touch(Path file) {
        return new JsonObject().put("exec_id", "e-" + UUID.randomUUID()).put("argv", new JsonArray().add("touch")
                .add(file.toString())).put("cwd", tmp.toString())
                .put("permissions", new JsonArray().add("disk-full-read-access").add("disk-write-cwd"));
    }

    /** Joins the cluster from this JVM as the options say and asks the sandbox to create {@code file}. */
    private static Throwable askSandbox(Cluster.Options options, Path file) throws Exception {
        return askSandbox(options, file, 5_000);
    }

    /** @param timeoutMs how long an answer may take (a member's command under load: longer) */
    private static Throwable askSandbox(Cluster.Options options, Path file, long timeoutMs) throws Exception {
        Vertx vertx = Cluster.start(options);
        try {
            // BusRequests rides out the moment before the sandbox's address is known on this new member
            return codex.protocol.BusRequests.<JsonObject>request(vertx, Addresses.SANDBOX_EXEC, touch(file),
                            new DeliveryOptions().setSendTimeout(timeoutMs))
                    .toCompletionStage().toCompletableFuture().handle((ok, err) -> err).get(timeoutMs + 25_000,
                            TimeUnit.MILLISECONDS);
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(15, TimeUnit.SECONDS);
        }
    }

    private static boolean isTimeout(Throwable t) {
        return t instanceof io.vertx.core.eventbus.ReplyException re
                && re.failureType() == io.vertx.core.eventbus.ReplyFailure.TIMEOUT;
    }

    @Test
    void onlyAMemberWithTheClustersKeyGetsACommandRun() throws Exception {
        String cluster = "codex-tls-" + UUID.randomUUID();
        List<String> loopback = List.of("127.0.0.1");
        int port = TestClusters.port(cluster);
        try (var services = new ServiceProcesses(tmp, cluster)) {
            services.start("sandbox", Map.of("CODEX_HOME", Files.createDirectories(tmp.resolve("home")).toString()),
                    "--cluster-tls", clusterTls.toString(), "sandbox");

            Path plain = tmp.resolve("pwned-without-tls");
            Throwable noTls = askSandbox(new Cluster.Options(cluster, "127.0.0.1", loopback, null, false, port), plain);
            assertTrue(noTls != null, "a member without TLS got an answer");
            assertTrue(isTimeout(noTls), "it saw the sandbox's address and could not reach it: " + noTls);
            Path foreign = tmp.resolve("pwned-with-a-foreign-ca");
            Throwable foreignCa = askSandbox(new Cluster.Options(cluster, "127.0.0.1", loopback, foreignTls, false, port), foreign);
            assertTrue(foreignCa != null, "a member with another CA's key got an answer");
            assertTrue(isTimeout(foreignCa), "it saw the sandbox's address and could not reach it: " + foreignCa);
            Path otherName = tmp.resolve("pwned-from-another-cluster");
            Throwable wrongName = askSandbox(new Cluster.Options(cluster + "-other", "127.0.0.1", loopback, clusterTls,
                    false, port), otherName);
            assertTrue(wrongName != null, "a member of another cluster name got an answer");

            Path member = tmp.resolve("made-by-a-member");
            Throwable asMember = askSandbox(new Cluster.Options(cluster, "127.0.0.1", loopback, clusterTls, false, port), member,
                    30_000);
            assertEquals(null, asMember, "the cluster's own member is served");
            assertTrue(Files.exists(member), "the member's command ran");
            Thread.sleep(500);
            assertFalse(Files.exists(plain), "the command sent without TLS ran");
            assertFalse(Files.exists(foreign), "the command sent with a foreign CA's key ran");
            assertFalse(Files.exists(otherName), "the command sent from another cluster ran");
        }
    }

    @Test
    void aClusterHostThatIsNotLoopbackNeedsTlsOrAnExplicitInsecureFlag() throws Exception {
        var refused = assertThrows(Cluster.TlsRequired.class, () -> Cluster.eventBusTls(
                new Cluster.Options("c", "10.1.2.3", List.of("10.1.2.3"), null, false), "10.1.2.3"));
        assertTrue(refused.getMessage().contains("--cluster-tls DIR") && refused.getMessage().contains("--insecure-cluster"),
                refused.getMessage());
        assertEquals(null, Cluster.eventBusTls(new Cluster.Options("c", "10.1.2.3", List.of(), null, true), "10.1.2.3"),
                "--insecure-cluster: the operator's choice");
        assertEquals(null, Cluster.eventBusTls(new Cluster.Options("c", "127.0.0.1", List.of(), null, false), "127.0.0.1"));
        var incomplete = assertThrows(Cluster.TlsRequired.class, () -> Cluster.eventBusTls(
                new Cluster.Options("c", "127.0.0.1", List.of(), tmp.resolve("no-such-folder"), false), "127.0.0.1"));
        assertTrue(incomplete.getMessage().contains("node.p12 is missing"), incomplete.getMessage());
        var r = CodexProcess.run(tmp, Map.of("CODEX_HOME", tmp.resolve("home").toString()), null,
                "service", "--cluster-host", "10.1.2.3", "sandbox");
        assertEquals(2, r.exitCode(), r.stderr());
        assertTrue(r.stderr().contains("is not a loopback address"), r.stderr());
    }
}

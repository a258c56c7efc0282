package codex.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Two clusters of the same name on one host, told different --cluster-port values, stay apart: a
 * member listens on its port and lists only its own cluster's ports, so an address served in one is
 * not served in the other (before the option every cluster took 5701 and up).
 */
class ClusterPortTest {

    @Test
    void clustersOnDifferentPortsDoNotJoinEachOther() throws Exception {
        String name = "codex-port-" + UUID.randomUUID();
        int portA = TestClusters.port(name + "-a");
        int portB = TestClusters.port(name + "-b");
        Vertx a = Cluster.start(new Cluster.Options(name, "127.0.0.1", List.of("127.0.0.1"), null, false, portA));
        try {
            Vertx b = Cluster.start(new Cluster.Options(name, "127.0.0.1", List.of("127.0.0.1"), null, false, portB));
            try {
                try (Socket probe = new Socket()) {
                    probe.connect(new InetSocketAddress("127.0.0.1", portA), 1_000); // A's member is where it was told
                }
                a.eventBus().consumer("codex.test.only-in-a", m -> m.reply("a")).completion()
                        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
                Thread.sleep(1_000); // what a joined member would need to learn of the consumer
                Throwable fromB = b.eventBus().request("codex.test.only-in-a", "?").map(m -> (Throwable) null)
                        .otherwise(err -> err).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
                assertTrue(fromB instanceof ReplyException re && re.failureType() == ReplyFailure.NO_HANDLERS,
                        "a member of the cluster on port " + portB + " reached one on " + portA + ": " + fromB);
                assertEquals("a", a.eventBus().request("codex.test.only-in-a", "?")
                        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS).body());
            } finally {
                b.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            }
        } finally {
            a.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }
}

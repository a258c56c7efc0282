package codex.cli;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A cluster port of its own for every test cluster (by name): with Hazelcast's 5701 for all, two
 * test suites on one machine (a CI run beside a developer's) joined or crowded each other's
 * members, and a test's members formed two clusters ("No handlers for address").
 */
final class TestClusters {
    /** Ports a test cluster may take: this member and up to six more on the same host. */
    private static final int SPAN = 10;
    private static final Map<String, Integer> PORTS = new ConcurrentHashMap<>();

    private TestClusters() {
    }

    /** The first cluster port of {@code cluster}, the same for every process of it. */
    static int port(String cluster) {
        return PORTS.computeIfAbsent(cluster, name -> freeRange());
    }

    /**
     * {@code CODEX_CLUSTER_PORT} for a `codex` command line that names a cluster
     * (`--cluster-name NAME`), else nothing.
     */
    static Map<String, String> environment(List<String> args) {
        int at = args.indexOf("--cluster-name");
        if (at < 0 || at + 1 >= args.size() || args.contains("--cluster-port")) {
            return Map.of();
        }
        return Map.of("CODEX_CLUSTER_PORT", Integer.toString(port(args.get(at + 1))));
    }

    /** A run of {@link #SPAN} ports below Linux's ephemeral range that nothing listens on now. */
    private static int freeRange() {
        for (int attempt = 0; attempt < 200; attempt++) {
            int base = 20_000 + ThreadLocalRandom.current().nextInt(12_000 / SPAN) * SPAN;
            if (allFree(base)) {
                return base;
            }
        }
        throw new IllegalStateException("no free range of " + SPAN + " ports in 20000-32000 on 127.0.0.1");
    }

    private static boolean allFree(int base) {
        for (int port = base; port < base + SPAN; port++) {
            try (ServerSocket socket = new ServerSocket()) {
                socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            } catch (IOException taken) {
                return false;
            }
        }
        return true;
    }
}

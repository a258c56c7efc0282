package codex.cli;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** Command-line options of the clustered modes (`codex service`, `codex serve --cluster`). */
final class ClusterOptions {
    @Option(names = "--cluster-name", paramLabel = "NAME", description = "Cluster to join (default: codex-vertx).")
    String name = "codex-vertx";

    @Option(names = "--cluster-host", paramLabel = "HOST",
            description = "Address this process binds and announces for the cluster (default 127.0.0.1).")
    String host = "127.0.0.1";

    @Option(names = "--cluster-member", paramLabel = "HOST[:PORT]",
            description = "A member to join (repeatable; default: the cluster host, ports 5701 and up).")
    List<String> members = new ArrayList<>();

    @Option(names = "--cluster-tls", paramLabel = "DIR",
            description = "TLS for the event bus, mutual: DIR holds node.p12, ca.p12 and password (make them with"
                    + " docker/cluster-tls.sh DIR). Required when the cluster host is not loopback.")
    java.nio.file.Path tls;

    @Option(names = "--insecure-cluster",
            description = "Run the event bus without TLS on a host that is not loopback (only on a network that"
                    + " nothing but the cluster's own processes can reach).")
    boolean insecure;

    Cluster.Options toOptions() {
        return new Cluster.Options(name, host, members.isEmpty() ? List.of(host) : List.copyOf(members), tls, insecure);
    }
}

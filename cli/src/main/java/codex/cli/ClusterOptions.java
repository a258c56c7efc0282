package codex.cli;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * Command-line options of the clustered modes (`codex service`, `codex serve --cluster`). Name,
 * host and member list may also come from the environment ($CODEX_CLUSTER_NAME,
 * $CODEX_CLUSTER_HOST, $CODEX_CLUSTER_MEMBERS, comma-separated), e.g. one env file for every
 * container; an option given on the command line wins.
 */
final class ClusterOptions {
    @Option(names = "--cluster-name", paramLabel = "NAME", defaultValue = "${env:CODEX_CLUSTER_NAME:-codex-vertx}",
            description = "Cluster to join (default: $CODEX_CLUSTER_NAME, else codex-vertx).")
    String name;

    @Option(names = "--cluster-host", paramLabel = "HOST", defaultValue = "${env:CODEX_CLUSTER_HOST:-127.0.0.1}",
            description = "Address this process binds and announces for the cluster (default: $CODEX_CLUSTER_HOST, else 127.0.0.1).")
    String host;

    @Option(names = "--cluster-member", paramLabel = "HOST[:PORT]", split = ",", defaultValue = "${env:CODEX_CLUSTER_MEMBERS}",
            description = "A member to join (repeatable or comma-separated; a host alone means the cluster port and the next two; default:"
                    + " $CODEX_CLUSTER_MEMBERS, else the cluster host). A member whose list answers nowhere starts the"
                    + " cluster at once.")
    List<String> members = new ArrayList<>();

    @Option(names = "--cluster-port", paramLabel = "PORT", defaultValue = "${env:CODEX_CLUSTER_PORT:-5701}",
            description = "First port this process listens on for the cluster (the next free one if taken), and the ports"
                    + " of a member given without one: PORT to PORT+2 (default: $CODEX_CLUSTER_PORT, else 5701). Two"
                    + " clusters on one host need different ports.")
    int port;

    @Option(names = "--cluster-tls", paramLabel = "DIR",
            description = "TLS for the event bus, mutual: DIR holds node.p12, ca.p12 and password (make them with"
                    + " docker/cluster-tls.sh DIR). Required when the cluster host is not loopback.")
    java.nio.file.Path tls;

    @Option(names = "--insecure-cluster",
            description = "Run the event bus without TLS on a host that is not loopback (only on a network that"
                    + " nothing but the cluster's own processes can reach).")
    boolean insecure;

    Cluster.Options toOptions() {
        List<String> listed = members == null ? List.of()
                : members.stream().map(String::trim).filter(m -> !m.isEmpty()).toList();
        return new Cluster.Options(name, host, listed.isEmpty() ? List.of(host) : listed, tls, insecure, port);
    }
}

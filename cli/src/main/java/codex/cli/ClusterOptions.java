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

    Cluster.Options toOptions() {
        return new Cluster.Options(name, host, members.isEmpty() ? List.of(host) : List.copyOf(members));
    }
}

package codex.cli;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.file.FileSystemOptions;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A clustered Vert.x for running services in separate processes: Hazelcast finds the members by
 * TCP (no multicast: it works in containers and on loopback), the event bus talks TCP between
 * them. Only `codex service` and `codex serve --cluster` use it; exec stays a single plain JVM.
 */
final class Cluster {

    /** @param members Hazelcast members to join, "host" or "host:port" (port 5701 and up when omitted) */
    record Options(String name, String host, List<String> members) { }

    private Cluster() {
    }

    static Vertx start(Options options) throws Exception {
        CodexMain.quietLogging();
        System.setProperty("hazelcast.logging.type", "jdk");
        System.setProperty("vertx.disableDnsResolver", "true");
        // Hazelcast's interface list wants an address, not a name (containers pass their hostname)
        String address = java.net.InetAddress.getByName(options.host()).getHostAddress();
        Config hazelcast = ConfigUtil.loadConfig();
        hazelcast.setClusterName(options.name());
        hazelcast.setProperty("hazelcast.phone.home.enabled", "false");
        hazelcast.setProperty("hazelcast.shutdownhook.enabled", "false");
        NetworkConfig network = hazelcast.getNetworkConfig();
        network.setPort(5701).setPortAutoIncrement(true);
        network.getInterfaces().setEnabled(true).addInterface(address);
        JoinConfig join = network.getJoin();
        join.getMulticastConfig().setEnabled(false);
        join.getAutoDetectionConfig().setEnabled(false);
        join.getTcpIpConfig().setEnabled(true).setMembers(options.members());
        VertxOptions vertxOptions = new VertxOptions()
                .setEventLoopPoolSize(2)
                .setWorkerPoolSize(4)
                .setFileSystemOptions(new FileSystemOptions().setFileCachingEnabled(false)
                        .setClassPathResolvingEnabled(false))
                .setEventBusOptions(new EventBusOptions().setHost(address).setPort(0));
        return Vertx.builder().with(vertxOptions).withClusterManager(new HazelcastClusterManager(hazelcast))
                .buildClustered().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }
}

package codex.cli;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.MultiMapConfig;
import com.hazelcast.config.NetworkConfig;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.file.FileSystemOptions;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A clustered Vert.x for running services in separate processes: Hazelcast finds the members by
 * TCP (no multicast: it works in containers and on loopback), the event bus talks TCP between
 * them. Only `codex service` and `codex serve --cluster` use it; exec stays a single plain JVM.
 */
final class Cluster {

    /**
     * @param members  Hazelcast members to join, "host" or "host:port" (port 5701 and up when omitted)
     * @param tls      the folder with the cluster's TLS stores ({@code docker/cluster-tls.sh} makes one), or null
     * @param insecure run without TLS on a host that is not loopback (the operator trusts that network)
     * @param port     the first port this member listens on (and the next two); also the ports of a member given
     *                 without one
     */
    record Options(String name, String host, List<String> members, java.nio.file.Path tls, boolean insecure, int port) {
        Options {
            if (port < 1 || port > 65535 - PORT_TRY_COUNT) {
                throw new IllegalArgumentException("--cluster-port " + port + ": give a port from 1 to "
                        + (65535 - PORT_TRY_COUNT) + " (this member listens on it or one of the next "
                        + (PORT_TRY_COUNT - 1) + ")");
            }
        }

        Options(String name, String host, List<String> members, java.nio.file.Path tls, boolean insecure) {
            this(name, host, members, tls, insecure, HAZELCAST_PORT);
        }

        Options(String name, String host, List<String> members) {
            this(name, host, members, null, false);
        }
    }

    /** What a clustered process refuses to start without, and why (thrown before anything listens). */
    static final class TlsRequired extends IllegalArgumentException {
        TlsRequired(String message) {
            super(message);
        }
    }

    /**
     * The event bus's TLS: mutual, both sides proving a certificate signed by the cluster's
     * authority. Required unless the cluster is on loopback or the operator said --insecure-cluster.
     *
     * @return null when the event bus runs in the clear
     */
    static EventBusOptions eventBusTls(Options options, String address) {
        if (options.tls() == null) {
            boolean loopback;
            try {
                loopback = java.net.InetAddress.getByName(address).isLoopbackAddress();
            } catch (java.net.UnknownHostException e) {
                loopback = false;
            }
            if (!loopback && !options.insecure()) {
                throw new TlsRequired("the cluster host " + options.host() + " is not a loopback address, and the event bus"
                        + " would carry commands for the sandbox in the clear to whoever reaches its port: give"
                        + " --cluster-tls DIR (make one with docker/cluster-tls.sh DIR; every member needs the same CA),"
                        + " or --insecure-cluster on a network only the cluster's own processes can reach");
            }
            return null;
        }
        java.nio.file.Path dir = options.tls();
        java.nio.file.Path node = dir.resolve("node.p12");
        java.nio.file.Path ca = dir.resolve("ca.p12");
        java.nio.file.Path passwordFile = dir.resolve("password");
        for (java.nio.file.Path p : List.of(node, ca, passwordFile)) {
            if (!java.nio.file.Files.isReadable(p)) {
                throw new TlsRequired("--cluster-tls " + dir + ": " + p.getFileName() + " is missing or not readable"
                        + " (the folder needs node.p12, ca.p12 and password, as docker/cluster-tls.sh writes them)");
            }
        }
        String password;
        try {
            password = java.nio.file.Files.readString(passwordFile).strip();
        } catch (java.io.IOException e) {
            throw new TlsRequired("--cluster-tls " + dir + ": cannot read password: " + e.getMessage());
        }
        return new EventBusOptions().setSsl(true)
                .setKeyCertOptions(new io.vertx.core.net.PfxOptions().setPath(node.toString()).setPassword(password)
                        .setAlias("node"))
                .setTrustOptions(new io.vertx.core.net.PfxOptions().setPath(ca.toString()).setPassword(password))
                .setClientAuth(io.vertx.core.http.ClientAuth.REQUIRED);
    }

    /** Ports tried for a member given without one: the cluster port (5701 unless told) and the next two. */
    static final int PORT_TRY_COUNT = 3;
    static final int HAZELCAST_PORT = 5701;

    /**
     * The member list with each member given without a port spelled out as the cluster's ports
     * ("host" becomes host:port, host:port+1, host:port+2), so Hazelcast and our own probe try the
     * same addresses whatever the port. A bare IPv6 address (several colons) is passed as it is.
     */
    static List<String> withPorts(List<String> members, int port) {
        List<String> spelled = new java.util.ArrayList<>();
        for (String member : members) {
            long colons = member.chars().filter(c -> c == ':').count();
            boolean portless = member.startsWith("[") ? !member.contains("]:") : colons == 0;
            if (!portless) { // host:port, [v6]:port, or a bare IPv6 address
                spelled.add(member);
                continue;
            }
            for (int p = port; p < port + PORT_TRY_COUNT; p++) {
                spelled.add(member + ":" + p);
            }
        }
        return spelled;
    }

    private Cluster() {
    }

    /**
     * Whether no address of the member list accepts a TCP connection within 300 ms (each probed in
     * parallel; "host" means ports firstPort to firstPort+tries-1, as for Hazelcast). On loopback and on a
     * network where the other hosts are up, a refusal comes at once.
     */
    static boolean nobodyListening(List<String> members, int firstPort, int tries) {
        List<java.net.InetSocketAddress> candidates = new java.util.ArrayList<>();
        for (String member : members) {
            String host = member;
            int first = firstPort;
            int count = tries;
            int colon = member.lastIndexOf(':');
            if (colon > 0 && member.indexOf(':') == colon) {
                host = member.substring(0, colon);
                try {
                    first = Integer.parseInt(member.substring(colon + 1));
                    count = 1;
                } catch (NumberFormatException e) {
                    return false; // let Hazelcast report it
                }
            }
            for (int port = first; port < first + count; port++) {
                candidates.add(java.net.InetSocketAddress.createUnresolved(host, port));
            }
        }
        if (candidates.isEmpty()) {
            return true;
        }
        java.util.concurrent.ExecutorService probes = java.util.concurrent.Executors.newFixedThreadPool(
                Math.min(candidates.size(), 16), r -> {
                    Thread t = new Thread(r, "codex-cluster-probe");
                    t.setDaemon(true);
                    return t;
                });
        try {
            List<java.util.concurrent.Future<Boolean>> answers = new java.util.ArrayList<>();
            for (java.net.InetSocketAddress candidate : candidates) {
                answers.add(probes.submit(() -> {
                    java.net.InetSocketAddress resolved = new java.net.InetSocketAddress(candidate.getHostString(), candidate.getPort());
                    if (resolved.isUnresolved()) {
                        return false; // a host that does not resolve (yet): nobody there
                    }
                    try (java.net.Socket socket = new java.net.Socket()) {
                        socket.connect(resolved, 300);
                        return true;
                    } catch (java.io.IOException e) {
                        return false;
                    }
                }));
            }
            for (java.util.concurrent.Future<Boolean> answer : answers) {
                try {
                    if (answer.get(1, TimeUnit.SECONDS)) {
                        return false;
                    }
                } catch (Exception e) {
                    return false; // undecided: join the usual way
                }
            }
            return true;
        } finally {
            probes.shutdownNow();
        }
    }

    static Vertx start(Options options) throws Exception {
        return start(options, null);
    }

    /** @param metrics where Vert.x reports its meters (`codex serve`), or null for none */
    static Vertx start(Options options, io.micrometer.prometheusmetrics.PrometheusMeterRegistry metrics) throws Exception {
        CodexMain.quietLogging();
        System.setProperty("hazelcast.logging.type", "jdk");
        System.setProperty("vertx.disableDnsResolver", "true");
        // Hazelcast's interface list wants an address, not a name (containers pass their hostname)
        String address = java.net.InetAddress.getByName(options.host()).getHostAddress();
        EventBusOptions eventBus = eventBusTls(options, address);
        if (eventBus == null) {
            eventBus = new EventBusOptions();
        }
        Config hazelcast = vertxMapsConfig();
        hazelcast.setClusterName(options.name());
        hazelcast.setProperty("hazelcast.phone.home.enabled", "false");
        hazelcast.setProperty("hazelcast.shutdownhook.enabled", "false");
        // The member list is known up front (no discovery to wait for): join at once instead of
        // after Hazelcast's default 5 s settle time, and give up on an absent member after 2 s
        // rather than 5 s, so a service is ready in about its JVM start-up time.
        hazelcast.setProperty("hazelcast.wait.seconds.before.join", "0");
        hazelcast.setProperty("hazelcast.tcp.join.port.try.count", String.valueOf(PORT_TRY_COUNT));
        // a member that lost its peers (one restarted, a partition) merges back within seconds,
        // not Hazelcast's default 5 minutes
        hazelcast.setProperty("hazelcast.merge.first.run.delay.seconds", "5");
        hazelcast.setProperty("hazelcast.merge.next.run.delay.seconds", "5");
        NetworkConfig network = hazelcast.getNetworkConfig();
        network.setPort(options.port()).setPortAutoIncrement(true);
        network.getInterfaces().setEnabled(true).addInterface(address);
        JoinConfig join = network.getJoin();
        join.getMulticastConfig().setEnabled(false);
        join.getAutoDetectionConfig().setEnabled(false);
        // Hazelcast's TCP joiner waits a fixed second for answers even when every listed address
        // refused the connection at once: when none accepts one, this process is the first
        // member, and it becomes the master without asking (the others find it in their lists).
        // Two members started in the same instant may then form two clusters for a few seconds,
        // until the split-brain merge below joins them.
        List<String> listed = withPorts(options.members(), options.port());
        List<String> members = nobodyListening(listed, options.port(), PORT_TRY_COUNT) ? List.of() : listed;
        join.getTcpIpConfig().setEnabled(true).setConnectionTimeoutSeconds(2).setMembers(members);
        VertxOptions vertxOptions = new VertxOptions()
                .setEventLoopPoolSize(2)
                .setWorkerPoolSize(4)
                .setFileSystemOptions(new FileSystemOptions().setFileCachingEnabled(false)
                        .setClassPathResolvingEnabled(false))
                .setEventBusOptions(eventBus.setHost(address).setPort(0));
        var builder = metrics == null ? Vertx.builder().with(vertxOptions)
                : codex.gateway.metrics.Monitoring.instrument(Vertx.builder(), vertxOptions, metrics);
        Vertx vertx = builder.withClusterManager(new HazelcastClusterManager(hazelcast))
                .buildClustered().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
        codex.protocol.BusCodecs.register(vertx); // a member reads other members' records before any verticle runs
        return vertx;
    }

    /**
     * What vertx-hazelcast's default-cluster.xml declares for Vert.x's own structures, built in code:
     * parsing that XML with schema validation cost seconds of every service's start-up.
     */
    static Config vertxMapsConfig() {
        Config config = new Config();
        config.addMultiMapConfig(new MultiMapConfig("__vertx.subs").setBackupCount(1)
                .setValueCollectionType(MultiMapConfig.ValueCollectionType.SET));
        config.addMapConfig(new MapConfig("__vertx.haInfo").setBackupCount(1));
        config.addMapConfig(new MapConfig("__vertx.nodeInfo").setBackupCount(1));
        return config;
    }
}

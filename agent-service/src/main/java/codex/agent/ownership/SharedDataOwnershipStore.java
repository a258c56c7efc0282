package codex.agent.ownership;

import codex.protocol.SessionOwnership;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.shareddata.AsyncMap;
import io.vertx.core.spi.cluster.ClusterManager;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * {@link OwnershipStore} on Vert.x shared data: cluster-wide maps and counter on the Hazelcast
 * cluster manager when clustered, the local ones in a single JVM. Thin: every rule is in
 * {@link SessionLeases}.
 */
public final class SharedDataOwnershipStore implements OwnershipStore {
    /** The node id of a JVM that is not clustered. */
    public static final String LOCAL_NODE = "local";

    private final Vertx vertx;

    public SharedDataOwnershipStore(Vertx vertx) {
        this.vertx = vertx;
    }

    /** This process's cluster node id ({@link #LOCAL_NODE} when not clustered). */
    public static String nodeId(Vertx vertx) {
        ClusterManager cm = clusterManager(vertx);
        return cm == null ? LOCAL_NODE : cm.getNodeId();
    }

    /** The cluster's members as the cluster manager sees them now (a local read, no network call). */
    public static Set<String> nodes(Vertx vertx) {
        ClusterManager cm = clusterManager(vertx);
        return cm == null ? Set.of(LOCAL_NODE) : new HashSet<>(cm.getNodes());
    }

    private static ClusterManager clusterManager(Vertx vertx) {
        return vertx instanceof VertxInternal internal && vertx.isClustered() ? internal.clusterManager() : null;
    }

    private Future<AsyncMap<String, String>> owners() {
        return vertx.sharedData().getAsyncMap(SessionOwnership.OWNERS_MAP);
    }

    private Future<AsyncMap<String, String>> leases() {
        return vertx.sharedData().getAsyncMap(SessionOwnership.ALIVE_MAP);
    }

    @Override
    public Future<Stored> get(String sessionId) {
        return owners().compose(m -> m.get(sessionId)).map(Stored::decode);
    }

    @Override
    public Future<Boolean> putNew(Stored owner) {
        return owners().compose(m -> m.putIfAbsent(owner.owner().sessionId(), owner.text())).map(prev -> prev == null);
    }

    @Override
    public Future<Boolean> replace(Stored current, Stored next) {
        return owners().compose(m -> m.replaceIfPresent(current.owner().sessionId(), current.text(), next.text()));
    }

    @Override
    public Future<Boolean> remove(Stored current) {
        return owners().compose(m -> m.removeIfPresent(current.owner().sessionId(), current.text()));
    }

    @Override
    public Future<List<Stored>> all() {
        return owners().compose(AsyncMap::values).map(values -> {
            List<Stored> out = new ArrayList<>();
            for (String v : values) {
                try {
                    out.add(Stored.decode(v));
                } catch (IllegalArgumentException unreadable) {
                    // written by a newer agent: not ours to take over
                }
            }
            return out;
        });
    }

    @Override
    public Future<Long> nextFence() {
        return vertx.sharedData().getCounter(SessionOwnership.FENCE_COUNTER).compose(c -> c.incrementAndGet());
    }

    @Override
    public Future<Boolean> renewLease(String instanceId, String nodeId, long ttlMs) {
        return leases().compose(m -> m.get(instanceId).compose(prev -> m.put(instanceId, nodeId, ttlMs)
                .map(v -> prev != null)));
    }

    @Override
    public Future<Void> dropLease(String instanceId) {
        return leases().compose(m -> m.remove(instanceId)).mapEmpty();
    }

    @Override
    public Future<Set<String>> liveInstances() {
        return leases().compose(AsyncMap::keys);
    }
}

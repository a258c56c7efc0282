package codex.agent.ownership;

import codex.protocol.SessionOwnership.Owner;
import io.vertx.core.Future;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The owners of a JVM that is not clustered: its one agent is the only one that can own or take over
 * its sessions, and everything here ends with the JVM. So owners are kept as the records themselves,
 * not as JSON in Vert.x shared data: encoding a session's whole config (its first JSON) cost ~55 ms
 * of every {@code codex exec} start, and the gateway decoded it again on every submission. The
 * gateway then routes by the address the agent answered the open with (as for any agent that keeps
 * no owners map entry). Compare-and-set compares an identity text (session, fence, instance).
 */
public final class LocalOwnershipStore implements OwnershipStore {
    private final Map<String, Stored> owners = new ConcurrentHashMap<>();
    private final Map<String, Long> leaseUntil = new ConcurrentHashMap<>();
    private final AtomicLong fences = new AtomicLong();
    private final LongSupplier clock;

    /** @param clock milliseconds, against which leases expire */
    public LocalOwnershipStore(LongSupplier clock) {
        this.clock = clock;
    }

    /** No JSON: the fence is new for every claim, so session, fence and instance name the claim. */
    @Override
    public Stored toStored(Owner owner) {
        return new Stored(owner.sessionId() + " " + owner.fence() + " " + owner.instanceId(), owner);
    }

    @Override
    public Future<Stored> get(String sessionId) {
        return Future.succeededFuture(owners.get(sessionId));
    }

    @Override
    public Future<Boolean> putNew(Stored owner) {
        return Future.succeededFuture(owners.putIfAbsent(owner.owner().sessionId(), owner) == null);
    }

    @Override
    public Future<Boolean> replace(Stored current, Stored next) {
        String id = current.owner().sessionId();
        boolean[] replaced = {false};
        owners.computeIfPresent(id, (k, stored) -> {
            replaced[0] = stored.text().equals(current.text());
            return replaced[0] ? next : stored;
        });
        return Future.succeededFuture(replaced[0]);
    }

    @Override
    public Future<Boolean> remove(Stored current) {
        boolean[] removed = {false};
        owners.computeIfPresent(current.owner().sessionId(), (k, stored) -> {
            removed[0] = stored.text().equals(current.text());
            return removed[0] ? null : stored;
        });
        return Future.succeededFuture(removed[0]);
    }

    @Override
    public Future<List<Stored>> all() {
        return Future.succeededFuture(List.copyOf(owners.values()));
    }

    @Override
    public Future<Long> nextFence() {
        return Future.succeededFuture(fences.incrementAndGet());
    }

    @Override
    public Future<Boolean> renewLease(String instanceId, String nodeId, long ttlMs) {
        long now = clock.getAsLong();
        Long until = leaseUntil.put(instanceId, now + ttlMs);
        return Future.succeededFuture(until != null && until > now);
    }

    @Override
    public Future<Void> dropLease(String instanceId) {
        leaseUntil.remove(instanceId);
        return Future.succeededFuture();
    }

    @Override
    public Future<Set<String>> liveInstances() {
        long now = clock.getAsLong();
        Set<String> live = new HashSet<>();
        leaseUntil.forEach((instance, until) -> {
            if (until > now) {
                live.add(instance);
            }
        });
        return Future.succeededFuture(live);
    }
}

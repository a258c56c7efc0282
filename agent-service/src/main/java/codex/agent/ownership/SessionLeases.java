package codex.agent.ownership;

import codex.agent.ownership.OwnershipStore.Stored;
import codex.protocol.SessionConfig;
import codex.protocol.SessionOwnership;
import codex.protocol.SessionOwnership.Owner;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * One agent instance's side of session ownership, plain Java over an {@link OwnershipStore}.
 *
 * <p>A session has at most one owner entry; an owner holds it while its instance lease (an entry
 * with a TTL, renewed every {@link SessionOwnership#RENEW_MS} ms) lives and its cluster node is a
 * member. Every acquisition takes a new fencing number from the cluster counter and writes the
 * entry by compare-and-set, so of two agents racing for a session exactly one wins, and whatever
 * the loser (or an owner that was presumed dead) still sends carries a lower number and is refused.
 *
 * <p>States of a session here: not owned → {@link #claim} → owned; owned → {@link #tick} finds it
 * taken by another fence → lost (the caller stops driving it, silently); owned → {@link #release}
 * (shutdown) → gone from the map. An entry whose owner is stale is an orphan that {@link #tick}
 * reports; {@link #takeOver} acquires it. Not thread-safe: one event loop calls it.
 */
public final class SessionLeases {
    /** Without a change seen in the membership, orphans are still looked for this often (lease expiry). */
    static final long FULL_SCAN_EVERY_MS = 3_000;

    private final OwnershipStore store;
    private final String instanceId;
    private final String nodeId;
    private final String address;
    private final Supplier<Set<String>> clusterNodes;
    private final LongSupplier clock;
    private final Map<String, Stored> owned = new HashMap<>();
    private long lastRenewMs = Long.MIN_VALUE;
    private long lastScanMs;
    private boolean scanned;
    private Set<String> lastLive = Set.of();
    private Set<String> lastNodes = Set.of();
    private boolean ticking;

    /**
     * @param clusterNodes the cluster manager's current members (node ids); a single JVM gives its one node
     * @param clock        milliseconds, for when to renew and scan
     */
    public SessionLeases(OwnershipStore store, String instanceId, String nodeId, String address,
                         Supplier<Set<String>> clusterNodes, LongSupplier clock) {
        this.store = store;
        this.instanceId = instanceId;
        this.nodeId = nodeId;
        this.address = address;
        this.clusterNodes = clusterNodes;
        this.clock = clock;
    }

    /** What asking for a session gave: owned here (with the fence to carry), or owned by a live agent elsewhere. */
    public record Claim(Owner owner, boolean mine) { }

    /** What a tick found: orphans to take over, and sessions this instance no longer owns. */
    public record Tick(List<Stored> orphans, List<String> lost) {
        static final Tick NOTHING = new Tick(List.of(), List.of());
    }

    public String instanceId() {
        return instanceId;
    }

    public boolean owns(String sessionId) {
        return owned.containsKey(sessionId);
    }

    public Owner ownerHere(String sessionId) {
        Stored s = owned.get(sessionId);
        return s == null ? null : s.owner();
    }

    public Set<String> ownedSessions() {
        return Set.copyOf(owned.keySet());
    }

    /** Starts this instance's lease; before any claim, so that no one takes our new sessions for orphans. */
    public Future<Void> start() {
        lastRenewMs = clock.getAsLong();
        return store.renewLease(instanceId, nodeId, SessionOwnership.TTL_MS).mapEmpty();
    }

    /**
     * Acquires a session being opened. A new session gets an entry; a session whose owner is this
     * instance or is stale is acquired with a new fence; one with a live owner elsewhere is left to it.
     */
    public Future<Claim> claim(String sessionId, SessionConfig config) {
        return store.get(sessionId).compose(current -> {
            if (current == null) {
                return store.nextFence().compose(fence -> {
                    Stored next = store.toStored(new Owner(sessionId, fence, instanceId, nodeId, address, config));
                    return store.putNew(next).compose(stored -> stored ? won(next)
                            : claim(sessionId, config)); // another agent stored one first: look again
                });
            }
            if (current.owner().instanceId().equals(instanceId)) {
                return replaceWith(current, config).compose(this::won);
            }
            return store.liveInstances().compose(live -> {
                if (isStale(current.owner(), live, clusterNodes.get())) {
                    return replaceWith(current, config).compose(this::won);
                }
                return Future.succeededFuture(new Claim(current.owner(), false));
            });
        });
    }

    private Future<Stored> replaceWith(Stored current, SessionConfig config) {
        return store.nextFence().compose(fence -> {
            Owner o = current.owner();
            Stored next = store.toStored(new Owner(o.sessionId(), fence, instanceId, nodeId, address,
                    config != null ? config : o.config()));
            return store.replace(current, next).compose(replaced -> replaced ? Future.succeededFuture(next)
                    : Future.failedFuture(new IllegalStateException("session " + o.sessionId()
                    + " was acquired by another agent at the same moment")));
        });
    }

    private Future<Claim> won(Stored next) {
        owned.put(next.owner().sessionId(), next);
        return Future.succeededFuture(new Claim(next.owner(), true));
    }

    /** Acquires an orphan that {@link #tick} reported; fails when another agent got it first. */
    public Future<Owner> takeOver(Stored orphan) {
        return replaceWith(orphan, null).compose(this::won).map(Claim::owner);
    }

    /** The session is over (shutdown): its entry goes. */
    public Future<Void> release(String sessionId) {
        Stored mine = owned.remove(sessionId);
        return mine == null ? Future.succeededFuture() : store.remove(mine).mapEmpty();
    }

    /** Forgets a session without touching the map (it was lost to another owner). */
    public void forget(String sessionId) {
        owned.remove(sessionId);
    }

    /** A clean stop: the lease ends now, so other agents take these sessions over at once. */
    public Future<Void> stop() {
        owned.clear();
        return store.dropLease(instanceId);
    }

    public static boolean isStale(Owner owner, Set<String> liveInstances, Set<String> nodes) {
        return !liveInstances.contains(owner.instanceId()) || !nodes.contains(owner.nodeId());
    }

    /**
     * Call about every second: renews the lease when due (if it had expired meanwhile, checks which
     * of our sessions another agent took: those are {@code lost}), and looks for orphans when an
     * instance or node disappeared since the last tick, or every {@link #FULL_SCAN_EVERY_MS} ms.
     */
    public Future<Tick> tick() {
        if (ticking) {
            return Future.succeededFuture(Tick.NOTHING); // the previous one is still talking to the cluster
        }
        ticking = true;
        long now = clock.getAsLong();
        Future<List<String>> lost = Future.succeededFuture(List.of());
        if (now - lastRenewMs >= SessionOwnership.RENEW_MS) {
            lastRenewMs = now;
            lost = store.renewLease(instanceId, nodeId, SessionOwnership.TTL_MS)
                    .compose(wasAlive -> wasAlive ? Future.succeededFuture(List.<String>of()) : verifyOwned());
        }
        return lost.compose(lostIds -> store.liveInstances().compose(live -> {
            Set<String> nodes = clusterNodes.get();
            boolean someoneLeft = !live.containsAll(lastLive) || !nodes.containsAll(lastNodes);
            lastLive = Set.copyOf(live);
            lastNodes = Set.copyOf(nodes);
            if (scanned && !someoneLeft && now - lastScanMs < FULL_SCAN_EVERY_MS) {
                return Future.succeededFuture(new Tick(List.of(), lostIds));
            }
            lastScanMs = now;
            scanned = true; // the first tick looks at once: a restarted agent picks up what was left
            return store.all().map(all -> {
                List<Stored> orphans = new ArrayList<>();
                for (Stored s : all) {
                    if (!s.owner().instanceId().equals(instanceId) && isStale(s.owner(), live, nodes)) {
                        orphans.add(s);
                    }
                }
                return new Tick(orphans, lostIds);
            });
        })).onComplete(ar -> ticking = false);
    }

    /** Our lease had expired: which of our sessions does the map still give us? */
    private Future<List<String>> verifyOwned() {
        List<String> ids = new ArrayList<>(owned.keySet());
        List<Future<Stored>> reads = new ArrayList<>();
        ids.forEach(id -> reads.add(store.get(id)));
        return Future.join(reads).transform(ar -> {
            List<String> lost = new ArrayList<>();
            for (int i = 0; i < ids.size(); i++) {
                Future<Stored> read = reads.get(i);
                Stored mine = owned.get(ids.get(i));
                if (read.succeeded() && mine != null && (read.result() == null
                        || !read.result().text().equals(mine.text()))) {
                    lost.add(ids.get(i));
                    owned.remove(ids.get(i));
                }
            }
            return Future.succeededFuture(lost);
        });
    }
}

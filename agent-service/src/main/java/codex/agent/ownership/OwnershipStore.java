package codex.agent.ownership;

import codex.protocol.SessionOwnership.Owner;
import io.vertx.core.Future;
import java.util.List;
import java.util.Set;

/**
 * The cluster state {@link SessionLeases} works on: the owners map (compare-and-set on the stored
 * text), the agents' lease entries (with a TTL) and the fencing counter. {@link SharedDataOwnershipStore}
 * is a cluster's (Vert.x shared data), {@link LocalOwnershipStore} a JVM's that is not clustered.
 */
public interface OwnershipStore {

    /** An owner as stored: the exact text (what a compare-and-set compares) and its decoded form. */
    record Stored(String text, Owner owner) {
        public static Stored of(Owner owner) {
            return new Stored(owner.encode(), owner);
        }

        public static Stored decode(String text) {
            return text == null ? null : new Stored(text, Owner.decode(text));
        }
    }

    /** The stored form of {@code owner}: the text {@link #replace} and {@link #remove} compare, and the owner. */
    default Stored toStored(Owner owner) {
        return Stored.of(owner);
    }

    /** The session's owner, or null when it has none. */
    Future<Stored> get(String sessionId);

    /** Stores the owner if the session has none; true when it was stored. */
    Future<Boolean> putNew(Stored owner);

    /** Replaces {@code current} (compared by text) with {@code next}; true when it was replaced. */
    Future<Boolean> replace(Stored current, Stored next);

    /** Removes the entry if it is still {@code current}. */
    Future<Boolean> remove(Stored current);

    /** Every owned session. */
    Future<List<Stored>> all();

    /** The next fencing number (cluster-wide, only grows). */
    Future<Long> nextFence();

    /** Puts this instance's lease entry with a TTL; true when the previous one was still there (had not expired). */
    Future<Boolean> renewLease(String instanceId, String nodeId, long ttlMs);

    /** Ends this instance's lease at once (a clean stop: others take its sessions over now). */
    Future<Void> dropLease(String instanceId);

    /** The instances whose lease has not expired. */
    Future<Set<String>> liveInstances();
}

package codex.agent;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The sandbox commands this agent waits for, and when to stop waiting without a reply: the
 * sandbox node running one left the cluster (the command died with it), or a stop was asked
 * (interrupt) and no reply came within {@link #CANCEL_GRACE_MS}. Plain Java, one thread (the
 * event loop); the caller feeds it the cluster manager's member list and the clock.
 *
 * <p>A command's node is known from the sandbox's {@code exec_started} notice. One sent but not
 * yet confirmed when a node leaves is given {@link #UNCONFIRMED_GRACE_MS} to be confirmed by a
 * sandbox that is still there; otherwise it went to the node that left.
 */
final class InFlightExecs {
    static final long CANCEL_GRACE_MS = 3_000;
    static final long UNCONFIRMED_GRACE_MS = 3_000;
    static final String LOST = "sandbox lost while running the command; it was stopped";

    /** Stop waiting for {@code execId}; {@code lost}: its sandbox left the cluster (else: no answer to a stop). */
    record GiveUp(String execId, boolean lost, String reason) { }

    private static final class State {
        String node;
        long suspectSince = -1;
        long cancelledAt = -1;
    }

    private final Map<String, State> execs = new LinkedHashMap<>();
    private Set<String> lastNodes;

    void sent(String execId) {
        execs.put(execId, new State());
    }

    void started(String execId, String nodeId) {
        State s = execs.get(execId);
        if (s != null && s.node == null) {
            s.node = nodeId;
        }
    }

    void finished(String execId) {
        execs.remove(execId);
    }

    void cancelled(String execId, long nowMs) {
        State s = execs.get(execId);
        if (s != null && s.cancelledAt < 0) {
            s.cancelledAt = nowMs;
        }
    }

    boolean isEmpty() {
        return execs.isEmpty();
    }

    /** The commands to give up now, each once (they are forgotten here). */
    List<GiveUp> check(Set<String> nodes, long nowMs) {
        Set<String> left = new HashSet<>(lastNodes == null ? Set.of() : lastNodes);
        left.removeAll(nodes);
        lastNodes = Set.copyOf(nodes);
        List<GiveUp> out = new ArrayList<>();
        for (var it = execs.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            State s = e.getValue();
            GiveUp verdict = null;
            if (s.node != null && !nodes.contains(s.node)) {
                verdict = new GiveUp(e.getKey(), true, LOST + " (its sandbox service, cluster node " + s.node
                        + ", left the cluster)");
            } else if (s.node == null) {
                if (s.suspectSince < 0 && !left.isEmpty()) {
                    s.suspectSince = nowMs;
                }
                if (s.suspectSince >= 0 && nowMs - s.suspectSince >= UNCONFIRMED_GRACE_MS) {
                    verdict = new GiveUp(e.getKey(), true, LOST + " (a cluster node left before any sandbox"
                            + " confirmed the command; it may not have started)");
                }
            }
            if (verdict == null && s.cancelledAt >= 0 && nowMs - s.cancelledAt >= CANCEL_GRACE_MS) {
                verdict = new GiveUp(e.getKey(), false, "the sandbox did not answer the stop within "
                        + CANCEL_GRACE_MS / 1000 + " s; the command may still be running");
            }
            if (verdict != null) {
                out.add(verdict);
                it.remove();
            }
        }
        return out;
    }
}

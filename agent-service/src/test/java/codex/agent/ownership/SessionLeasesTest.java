package codex.agent.ownership;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import codex.agent.ownership.OwnershipStore.Stored;
import codex.protocol.SessionConfig;
import codex.protocol.SessionOwnership;
import codex.protocol.SessionOwnership.Owner;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The lease rules on an in-memory store with a clock the test moves. */
class SessionLeasesTest {

    final AtomicLong now = new AtomicLong(1_000_000);
    /** The production store of a JVM that is not clustered; here several agents share it, as a cluster's map. */
    final LocalOwnershipStore store = new LocalOwnershipStore(now::get);
    final Set<String> nodes = new HashSet<>(Set.of("node-a", "node-b"));
    final SessionConfig config = new SessionConfig("test-model", new codex.protocol.ProviderSpec("openai", "openai",
            "http://127.0.0.1:1/v1", null, null, codex.protocol.WireApi.RESPONSES, Map.of(), Map.of(), Map.of(), 0, 0, 1_000),
            codex.protocol.ApprovalPolicy.NEVER, List.of("disk-write-cwd"), "/w", true, null, null, List.of(), null, null,
            "/home/codex", null);

    SessionLeases agent(String name, String node) {
        SessionLeases l = new SessionLeases(store, name, node, "codex.agent.instance.v1." + name, () -> nodes, now::get);
        assertTrue(l.start().succeeded());
        return l;
    }

    static <T> T done(Future<T> f) {
        assertTrue(f.succeeded(), () -> "failed: " + f.cause());
        return f.result();
    }

    @Test
    void aNewSessionIsOwnedByTheAgentThatOpensItWithAFreshFence() {
        SessionLeases a = agent("a", "node-a");
        SessionLeases.Claim claim = done(a.claim("s1", config));
        assertTrue(claim.mine());
        assertEquals("a", claim.owner().instanceId());
        assertEquals(1L, claim.owner().fence());
        assertTrue(a.owns("s1"));
    }

    @Test
    void aLiveOwnerKeepsItsSessionAndAnotherAgentIsToldWhere() {
        SessionLeases a = agent("a", "node-a");
        SessionLeases b = agent("b", "node-b");
        done(a.claim("s1", config));
        SessionLeases.Claim second = done(b.claim("s1", config));
        assertFalse(second.mine());
        assertEquals("codex.agent.instance.v1.a", second.owner().agentAddress());
        assertFalse(b.owns("s1"));
    }

    @Test
    void whenTheOwnersNodeLeavesAnotherAgentFindsTheOrphanAtOnceAndTakesItOverWithAHigherFence() {
        SessionLeases a = agent("a", "node-a");
        SessionLeases b = agent("b", "node-b");
        done(a.claim("s1", config));
        done(b.tick()); // b has seen the cluster with a in it
        now.addAndGet(500);
        nodes.remove("node-a"); // kill -9: the cluster manager drops the member; a's lease has not expired yet
        SessionLeases.Tick tick = done(b.tick());
        assertEquals(List.of("s1"), tick.orphans().stream().map(s -> s.owner().sessionId()).toList());
        Owner taken = done(b.takeOver(tick.orphans().get(0)));
        assertEquals("b", taken.instanceId());
        assertTrue(taken.fence() > 1, "a new fence: " + taken.fence());
        assertEquals(config, taken.config(), "the session is opened again with its own config");
        assertEquals(taken, done(store.get("s1")).owner());
    }

    @Test
    void anExpiredLeaseMakesAnOrphanWithinTheScanPeriodEvenWithoutAMembershipChange() {
        SessionLeases a = agent("a", "node-a");
        SessionLeases b = agent("b", "node-b");
        done(a.claim("s1", config));
        done(b.tick());
        // a hangs: it stops renewing; b keeps renewing
        for (int i = 0; i < 8; i++) {
            now.addAndGet(1_000);
            SessionLeases.Tick tick = done(b.tick());
            boolean expired = now.get() - 1_000_000 >= SessionOwnership.TTL_MS;
            if (!tick.orphans().isEmpty()) {
                assertTrue(expired, "not an orphan before its lease expired");
                return;
            }
        }
        throw new AssertionError("the orphan was never found");
    }

    @Test
    void twoAgentsRacingForOneOrphanGetItOnceAndTheLoserIsRefused() {
        SessionLeases a = agent("a", "node-a");
        SessionLeases b = agent("b", "node-b");
        SessionLeases c = agent("c", "node-b");
        done(a.claim("s1", config));
        nodes.remove("node-a");
        Stored orphan = done(store.get("s1"));
        Future<Owner> first = b.takeOver(orphan);
        Future<Owner> second = c.takeOver(orphan);
        assertTrue(first.succeeded());
        assertTrue(second.failed(), "the compare-and-set refuses the second");
        assertTrue(b.owns("s1"));
        assertFalse(c.owns("s1"));
    }

    @Test
    void anOwnerThatWasPresumedDeadLearnsAtItsNextRenewalThatItLostTheSession() {
        SessionLeases a = agent("a", "node-a");
        SessionLeases b = agent("b", "node-b");
        done(a.claim("s1", config));
        done(a.claim("s2", config));
        now.addAndGet(SessionOwnership.TTL_MS + 1); // a paused (GC, a stopped VM) past its TTL
        store.renewLease("b", "node-b", SessionOwnership.TTL_MS);
        SessionLeases.Tick tick = done(b.tick());
        Stored s1 = tick.orphans().stream().filter(s -> s.owner().sessionId().equals("s1")).findFirst().orElseThrow();
        done(b.takeOver(s1));
        SessionLeases.Tick aWakes = done(a.tick());
        assertEquals(List.of("s1"), aWakes.lost());
        assertFalse(a.owns("s1"));
        assertTrue(a.owns("s2"), "nobody took s2: a keeps it");
    }

    @Test
    void aCleanStopEndsTheLeaseAtOnceAndShutdownRemovesTheEntry() {
        SessionLeases a = agent("a", "node-a");
        SessionLeases b = agent("b", "node-b");
        done(a.claim("s1", config));
        done(a.claim("s2", config));
        done(a.release("s2"));
        assertNull(done(store.get("s2")));
        done(b.tick());
        done(a.stop());
        now.addAndGet(10);
        List<String> orphans = new ArrayList<>();
        done(b.tick()).orphans().forEach(s -> orphans.add(s.owner().sessionId()));
        assertEquals(List.of("s1"), orphans);
    }

    @Test
    void anAgentNeverCountsItsOwnSessionsAsOrphans() {
        SessionLeases a = agent("a", "node-a");
        done(a.claim("s1", config));
        now.addAndGet(SessionOwnership.TTL_MS + 1);
        assertEquals(List.of(), done(a.tick()).orphans());
        assertTrue(a.owns("s1"), "its lease was renewed and nobody took s1");
    }
}

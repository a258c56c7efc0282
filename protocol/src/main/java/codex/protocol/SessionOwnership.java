package codex.protocol;

/**
 * Who drives a session, kept in the cluster's shared data (Vert.x's on the Hazelcast cluster
 * manager, or the local one in a single JVM): which agent owns it, under which fencing number,
 * and the config to open it again with. Agents write it, the gateway reads it to route
 * submissions. protocol/README.md ("Session ownership") describes the whole scheme.
 */
public final class SessionOwnership {
    private SessionOwnership() {
    }

    /** AsyncMap, no TTL: session id → {@link Owner} JSON text. Removed when the session shuts down. */
    public static final String OWNERS_MAP = "codex.agent.owners.v1";
    /**
     * AsyncMap with TTL: agent instance id → its node id. Each agent renews its own entry every
     * {@link #RENEW_MS} ms with a TTL of {@link #TTL_MS} ms: this is the lease of every session it owns.
     */
    public static final String ALIVE_MAP = "codex.agent.alive.v1";
    /** Cluster counter: incremented on every acquisition; the value is the new owner's fencing number. */
    public static final String FENCE_COUNTER = "codex.agent.fence.v1";
    /**
     * Event-bus header on what an owner sends for a session (events to the gateway, commands to the
     * sandbox): its fencing number. A receiver that has seen a higher one for that session refuses it.
     */
    public static final String FENCE_HEADER = "codex-fence";

    public static final long RENEW_MS = 2_000;
    public static final long TTL_MS = 6_000;

    /**
     * One session's owner.
     *
     * @param fence        the fencing number of this acquisition (only grows for a session)
     * @param instanceId   the owning agent instance (its lease is its {@link #ALIVE_MAP} entry)
     * @param nodeId       the cluster node it runs on ("local" in a single JVM)
     * @param agentAddress where its submissions go ({@link Addresses#agentInstance})
     * @param config       the session's config, to open it elsewhere when the owner is gone
     */
    public record Owner(String sessionId, Long fence, String instanceId, String nodeId, String agentAddress,
                        SessionConfig config) {
        public Owner {
            SessionMessages.required(sessionId, "session_id", "a session owner");
            SessionMessages.required(fence, "fence", "a session owner");
            SessionMessages.required(instanceId, "instance_id", "a session owner");
            SessionMessages.required(nodeId, "node_id", "a session owner");
            SessionMessages.required(agentAddress, "agent_address", "a session owner");
            SessionMessages.required(config, "config", "a session owner");
        }

        /** The same session under a new owner and fence. */
        public Owner takenBy(long newFence, String instance, String node, String address) {
            return new Owner(sessionId, newFence, instance, node, address, config);
        }

        /** The text stored in the map (compared whole when an owner is replaced). */
        public String encode() {
            return Json.encode(this);
        }

        public static Owner decode(String text) {
            return text == null ? null : Json.decode(text, Owner.class);
        }
    }
}

package codex.gateway.http;

import java.net.URI;
import java.util.Locale;
import java.util.Set;

/**
 * Defences against DNS rebinding and cross-site requests. A page on another site can make a
 * browser send requests to 127.0.0.1 under a name it controls; the Host header then carries that
 * name, and the Origin header the page's origin. So the API answers only Host names it knows
 * (loopback names, the bound address, configured names), and refuses state-changing requests and
 * WebSocket upgrades whose Origin is neither the server itself nor a configured CORS origin.
 * Clients that are not browsers send no Origin and are not affected.
 */
public final class HostCheck {
    private static final Set<String> LOOPBACK = Set.of("localhost", "127.0.0.1", "::1", "[::1]");
    private final Set<String> hosts;
    private final Set<String> origins;

    public HostCheck(Set<String> allowedHosts, Set<String> corsOrigins, String bindHost) {
        java.util.HashSet<String> all = new java.util.HashSet<>(LOOPBACK);
        allowedHosts.forEach(h -> all.add(h.toLowerCase(Locale.ROOT)));
        if (bindHost != null && !bindHost.equals("0.0.0.0") && !bindHost.equals("::")) {
            all.add(bindHost.toLowerCase(Locale.ROOT));
        }
        this.hosts = Set.copyOf(all);
        this.origins = Set.copyOf(corsOrigins);
    }

    /** @param hostHeader the request's Host (with or without port) */
    public boolean hostAllowed(String hostHeader) {
        String name = hostName(hostHeader);
        return name != null && hosts.contains(name);
    }

    /**
     * @param origin     the request's Origin header, or null
     * @param hostHeader the request's Host header
     */
    public boolean originAllowed(String origin, String hostHeader) {
        if (origin == null) {
            return true;
        }
        if (origins.contains(origin)) {
            return true;
        }
        try {
            URI uri = new URI(origin);
            String authority = uri.getRawAuthority();
            return authority != null && hostHeader != null && authority.equalsIgnoreCase(hostHeader)
                    && ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()));
        } catch (java.net.URISyntaxException e) {
            return false;
        }
    }

    public Set<String> corsOrigins() {
        return origins;
    }

    static String hostName(String hostHeader) {
        if (hostHeader == null || hostHeader.isBlank()) {
            return null;
        }
        String h = hostHeader.trim().toLowerCase(Locale.ROOT);
        if (h.startsWith("[")) {
            int end = h.indexOf(']');
            return end < 0 ? null : h.substring(0, end + 1);
        }
        int colon = h.lastIndexOf(':');
        return colon < 0 ? h : h.substring(0, colon);
    }

    public static boolean isLoopback(String bindHost) {
        return bindHost != null && (LOOPBACK.contains(bindHost.toLowerCase(Locale.ROOT)) || bindHost.startsWith("127."));
    }
}

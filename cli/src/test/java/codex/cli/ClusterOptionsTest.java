package codex.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The cluster options as `codex service` reads them; an env var only fills what the command line leaves out. */
class ClusterOptionsTest {

    private static Cluster.Options parse(CommandLine.IDefaultValueProvider env, String... args) {
        ServiceCommand service = new ServiceCommand();
        CommandLine cl = new CommandLine(service);
        if (env != null) {
            cl.setDefaultValueProvider(env);
        }
        cl.parseArgs(args);
        return service.cluster.toOptions();
    }

    @Test
    void membersAreRepeatableOrCommaSeparatedAndDefaultToTheHost() {
        assertEquals(List.of("a", "b:5702", "c"), parse(null, "--cluster-member", "a,b:5702", "--cluster-member", "c", "agent").members());
        Cluster.Options defaults = parse(null, "agent");
        if (System.getenv("CODEX_CLUSTER_MEMBERS") == null && System.getenv("CODEX_CLUSTER_HOST") == null) {
            assertEquals(List.of("127.0.0.1"), defaults.members());
            assertEquals("127.0.0.1", defaults.host());
        }
        assertEquals(List.of("10.0.0.7"), parse(null, "--cluster-host", "10.0.0.7", "agent").members());
    }

    @Test
    void theEnvironmentFillsWhatTheCommandLineLeavesOut() {
        // what ${env:...} resolves to when the variables are set, without touching this JVM's environment
        CommandLine.IDefaultValueProvider env = arg -> arg.isOption() ? switch (((CommandLine.Model.OptionSpec) arg).longestName()) {
            case "--cluster-name" -> "from-env";
            case "--cluster-host" -> "10.1.1.1";
            case "--cluster-member" -> "sandbox, agent:5702,";
            case "--cluster-port" -> "6801";
            default -> arg.defaultValue();
        } : arg.defaultValue();
        Cluster.Options fromEnv = parse(env, "agent");
        assertEquals("from-env", fromEnv.name());
        assertEquals("10.1.1.1", fromEnv.host());
        assertEquals(List.of("sandbox", "agent:5702"), fromEnv.members());
        assertEquals(6801, fromEnv.port());
        assertEquals(7001, parse(env, "--cluster-port", "7001", "agent").port());
        assertEquals(List.of("x"), parse(env, "--cluster-member", "x", "agent").members());
        assertEquals("mine", parse(env, "--cluster-name", "mine", "agent").name());
    }

    @Test
    void theClusterPortIsFiveSevenOOneUnlessToldAndSpellsOutPortlessMembers() {
        if (System.getenv("CODEX_CLUSTER_PORT") == null) {
            assertEquals(5701, parse(null, "agent").port());
        }
        assertEquals(List.of("sandbox:6801", "sandbox:6802", "sandbox:6803", "agent:5702", "[::1]:6801", "[::1]:6802",
                        "[::1]:6803", "[fe80::1]:7000", "fe80::2"),
                Cluster.withPorts(List.of("sandbox", "agent:5702", "[::1]", "[fe80::1]:7000", "fe80::2"), 6801));
    }

    @Test
    void aPortOutsideTheRangeIsRefusedWithWhatToGive() {
        var refused = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> parse(null, "--cluster-port", "65534", "agent"));
        assertEquals("--cluster-port 65534: give a port from 1 to 65532 (this member listens on it or one of the next 2)",
                refused.getMessage());
    }
}

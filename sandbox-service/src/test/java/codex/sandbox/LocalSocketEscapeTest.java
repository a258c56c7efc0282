package codex.sandbox;

import static codex.sandbox.Sandboxes.describe;
import static codex.sandbox.Sandboxes.perms;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import codex.protocol.SandboxPermission;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16: without network-full-access a command reaches no socket it did not create itself — an
 * outside server's pathname stream socket, its pathname datagram socket, an abstract socket — while
 * socket pairs keep working. Each attack is tried, then the same thing with network-full-access shows
 * the server was really there to be reached. The servers only ever see the allowed attempt's message.
 */
class LocalSocketEscapeTest {
    private static final String PERL = "/usr/bin/perl";
    private static final List<SandboxPermission> NO_NETWORK = perms("disk-full-read-access", "disk-write-cwd");
    private static final List<SandboxPermission> NETWORK =
            perms("disk-full-read-access", "disk-write-cwd", "network-full-access");

    @TempDir
    Path tmp;
    private final List<Process> started = new ArrayList<>();

    @AfterEach
    void stopServers() {
        started.forEach(Process::destroyForcibly);
    }

    private ExecResult perl(List<SandboxPermission> perms, String script, String... args) {
        assumeTrue(Files.isExecutable(Path.of(PERL)), "perl is needed for the socket attempts");
        List<String> argv = new ArrayList<>(List.of(PERL, "-e", script));
        argv.addAll(List.of(args));
        Path cwd = tmp.resolve("work");
        try {
            Files.createDirectories(cwd);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return Sandboxes.run(cwd, perms, Map.of(), 10_000, argv);
    }

    /** The first connection's bytes (until the client closes), or null when nobody connected in 5 s. */
    private static CompletableFuture<String> firstConnection(ServerSocketChannel server) {
        return CompletableFuture.supplyAsync(() -> {
            try (SocketChannel c = server.accept()) {
                ByteBuffer buf = ByteBuffer.allocate(256);
                while (buf.hasRemaining() && c.read(buf) >= 0) {
                    // until the client closes
                }
                return new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8).trim();
            } catch (IOException e) {
                return "error: " + e;
            }
        });
    }

    private static final String STREAM_CLIENT = "use Socket; socket(my $s, AF_UNIX, SOCK_STREAM, 0) or die \"socket: $!\\n\"; "
            + "connect($s, pack_sockaddr_un($ARGV[0])) or die \"connect: $!\\n\"; syswrite($s, \"$ARGV[1]\\n\"); close $s;";

    @Test
    void anOutsidePathnameStreamSocketIsOutOfReachWithoutNetwork() throws Exception {
        Path socket = tmp.resolve("outside-stream.sock"); // outside every writable root, like /run/docker.sock
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
            CompletableFuture<String> first = firstConnection(server);

            ExecResult denied = perl(NO_NETWORK, STREAM_CLIENT, socket.toString(), "escaped");
            assertEquals("connect: Operation not permitted\n", denied.stderr(), describe(denied));
            assertTrue(denied.sandboxDenied(), describe(denied));

            ExecResult allowed = perl(NETWORK, STREAM_CLIENT, socket.toString(), "with network");
            assertEquals(0, allowed.exitCode(), describe(allowed));
            assertEquals("with network", first.get(5, TimeUnit.SECONDS), "the server's first client was the allowed one");
        }
    }

    @Test
    void anOutsideAbstractStreamSocketIsOutOfReachWithoutNetwork() throws Exception {
        String name = "codex-escape-" + UUID.randomUUID();
        Process server = startPerlServer("use Socket; socket(my $s, AF_UNIX, SOCK_STREAM, 0) or die; "
                + "bind($s, pack_sockaddr_un(\"\\0\" . $ARGV[0])) or die \"bind: $!\"; listen($s, 5); "
                + "$| = 1; print \"ready\\n\"; alarm 15; accept($c, $s); print scalar <$c>;", name);
        String client = "use Socket; socket(my $s, AF_UNIX, SOCK_STREAM, 0) or die \"socket: $!\\n\"; "
                + "connect($s, pack_sockaddr_un(\"\\0\" . $ARGV[0])) or die \"connect: $!\\n\"; syswrite($s, \"$ARGV[1]\\n\");";
        ExecResult denied = perl(NO_NETWORK, client, name, "escaped");
        assertEquals("connect: Operation not permitted\n", denied.stderr(), describe(denied));
        ExecResult allowed = perl(NETWORK, client, name, "with network");
        assertEquals(0, allowed.exitCode(), describe(allowed));
        assertTrue(server.waitFor(5, TimeUnit.SECONDS));
        assertEquals("with network\n", readRest(server));
    }

    @Test
    void anOutsidePathnameDatagramSocketIsOutOfReachWithoutNetwork() throws Exception {
        Path socket = tmp.resolve("outside-dgram.sock");
        // Prints the first datagram it receives, then ends; gives up after 15 s.
        Process server = startPerlServer("use Socket; socket(my $s, AF_UNIX, SOCK_DGRAM, 0) or die; "
                + "bind($s, pack_sockaddr_un($ARGV[0])) or die \"bind: $!\"; chmod 0777, $ARGV[0]; "
                + "$| = 1; print \"ready\\n\"; alarm 15; recv($s, my $got, 256, 0); print \"$got\\n\";", socket.toString());
        // Every way a command could aim a datagram at a named socket.
        String attempts = """
                use Socket;
                my $to = pack_sockaddr_un($ARGV[0]);
                my ($d, $r, $a, $b, $c, $e, $q); # a my variable is only visible from the next statement on
                sub try_it { my ($what, $ok) = @_; print "$what: ", ($ok ? "SENT" : "$!"), "\\n"; }
                try_it("dgram socket", socket($d, AF_UNIX, SOCK_DGRAM, 0) && defined send($d, "escaped", 0, $to));
                try_it("raw socket", socket($r, AF_UNIX, SOCK_RAW, 0) && defined send($r, "escaped", 0, $to));
                try_it("dgram pair", socketpair($a, $b, AF_UNIX, SOCK_DGRAM, 0) && defined send($a, "escaped", 0, $to));
                try_it("stream pair sendto", socketpair($c, $e, AF_UNIX, SOCK_STREAM, 0) && defined send($c, "escaped", 0, $to));
                try_it("seqpacket socket connect", socket($q, AF_UNIX, SOCK_SEQPACKET, 0) && connect($q, $to));
                """;
        ExecResult denied = perl(NO_NETWORK, attempts, socket.toString());
        assertEquals("""
                dgram socket: Operation not permitted
                raw socket: Operation not permitted
                dgram pair: Operation not permitted
                stream pair sendto: Operation not permitted
                seqpacket socket connect: Operation not permitted
                """, denied.stdout(), describe(denied));

        String send = "use Socket; socket($d, AF_UNIX, SOCK_DGRAM, 0) or die \"socket: $!\\n\"; "
                + "defined send($d, \"$ARGV[1]\", 0, pack_sockaddr_un($ARGV[0])) or die \"send: $!\\n\";";
        ExecResult allowed = perl(NETWORK, send, socket.toString(), "with network");
        assertEquals(0, allowed.exitCode(), describe(allowed));
        assertTrue(server.waitFor(5, TimeUnit.SECONDS));
        assertEquals("with network\n", readRest(server), "the server's first datagram was the allowed one");
    }

    @Test
    void socketsACommandBindsItselfAreRefusedToo() {
        // bind/listen/accept are refused whatever the address: letting a command serve on a socket in
        // its writable root would also let it connect to one it did not make (checked by address, racy).
        String script = """
                use Socket;
                socket(my $p, AF_UNIX, SOCK_STREAM, 0) or die "socket: $!\\n";
                print "pathname bind: ", (bind($p, pack_sockaddr_un("own.sock")) ? "bound" : "$!"), "\\n";
                socket($a, AF_UNIX, SOCK_STREAM, 0) or die;
                print "abstract bind: ", (bind($a, pack_sockaddr_un("\\0codex-own-$$")) ? "bound" : "$!"), "\\n";
                print "listen: ", (listen($a, 1) ? "listening" : "$!"), "\\n";
                print "accept: ", (accept($c, $a) ? "accepted" : "$!"), "\\n";
                """;
        ExecResult r = perl(NO_NETWORK, script);
        assertEquals("""
                pathname bind: Operation not permitted
                abstract bind: Operation not permitted
                listen: Operation not permitted
                accept: Operation not permitted
                """, r.stdout(), describe(r));
    }

    @Test
    void socketPairsAndPipesKeepWorkingWithoutNetwork() {
        // a stream pair across a fork, both directions, with send()/recv() (sendto/recvfrom without
        // an address), a seqpacket pair, passing a pipe's fd over the pair (sendmsg/recvmsg with
        // SCM_RIGHTS, as tools hand fds to their children) and a plain pipe.
        Path python = Path.of("/usr/bin/python3");
        assumeTrue(Files.isExecutable(python), "python3 is needed for sendmsg/SCM_RIGHTS");
        String script = """
                import os, socket
                a, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
                if os.fork() == 0:
                    b.send(b"pong:" + b.recv(16)); os._exit(0)
                a.send(b"ping"); print(a.recv(16).decode()); os.wait()
                s, t = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
                s.send(b"packet"); print(t.recv(16).decode())
                r, w = os.pipe()
                socket.send_fds(s, [b"fd"], [w]); msg, fds, _, _ = socket.recv_fds(t, 16, 1)
                os.write(fds[0], b"through a passed pipe"); os.close(fds[0]); os.close(w)
                print(os.read(r, 64).decode())
                """;
        ExecResult r = Sandboxes.run(tmp, NO_NETWORK, Map.of(), 10_000, List.of(python.toString(), "-c", script));
        assertEquals("pong:ping\npacket\nthrough a passed pipe\n", r.stdout(), describe(r));
        assertFalse(r.sandboxDenied(), describe(r));
    }

    private Process startPerlServer(String script, String arg) throws IOException {
        assumeTrue(Files.isExecutable(Path.of(PERL)), "perl is needed for the socket servers");
        Process p = new ProcessBuilder(PERL, "-e", script, arg).redirectErrorStream(true).start();
        started.add(p);
        assertEquals("ready\n", new String(p.getInputStream().readNBytes(6), StandardCharsets.UTF_8));
        return p;
    }

    private static String readRest(Process p) throws IOException {
        StringBuilder out = new StringBuilder();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                out.append(line).append('\n');
            }
        }
        return out.toString();
    }
}

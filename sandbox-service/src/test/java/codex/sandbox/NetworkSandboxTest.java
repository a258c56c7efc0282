package codex.sandbox;

import static codex.sandbox.Sandboxes.describe;
import static codex.sandbox.Sandboxes.perms;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import codex.protocol.SandboxPermission;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The seccomp filter (and Landlock TCP rules where the kernel has them), tried with real sockets. */
class NetworkSandboxTest {
    private static final String PERL = "/usr/bin/perl";
    private static final List<SandboxPermission> NO_NETWORK = perms("disk-write-cwd");
    private static final List<SandboxPermission> NETWORK = perms("disk-write-cwd", "network-full-access");

    @TempDir
    Path cwd;

    private ExecResult perl(List<SandboxPermission> perms, String script, String... args) {
        assumeTrue(Files.isExecutable(Path.of(PERL)), "perl is needed for the socket tests");
        List<String> argv = new java.util.ArrayList<>(List.of(PERL, "-e", script));
        argv.addAll(List.of(args));
        return Sandboxes.run(cwd, perms, Map.of(), 10_000, argv);
    }

    /** Accepts one connection and returns its first line, or null when nobody connected in time. */
    private static CompletableFuture<String> acceptOneLine(ServerSocket server, int waitMs) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                server.setSoTimeout(waitMs);
                try (Socket s = server.accept()) {
                    return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
                }
            } catch (SocketTimeoutException e) {
                return null;
            } catch (IOException e) {
                return "error: " + e;
            }
        });
    }

    private static final String TCP_CLIENT = "use IO::Socket::IP; my $s = IO::Socket::IP->new(PeerHost => $ARGV[0], "
            + "PeerPort => $ARGV[1], Proto => 'tcp') or die \"connect: $@\\n\"; print $s \"hello\\n\"; close $s;";

    @Test
    void tcpOverIpv4IsDeniedWithoutNetworkAndWorksWithIt() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 5, InetAddress.getByName("127.0.0.1"))) {
            String port = String.valueOf(server.getLocalPort());
            ExecResult denied = perl(NO_NETWORK, TCP_CLIENT, "127.0.0.1", port);
            assertTrue(denied.exitCode() != 0, describe(denied));
            assertTrue(denied.stderr().contains("Operation not permitted"), describe(denied));
            assertTrue(denied.sandboxDenied());

            CompletableFuture<String> received = acceptOneLine(server, 5_000);
            ExecResult allowed = perl(NETWORK, TCP_CLIENT, "127.0.0.1", port);
            assertEquals(0, allowed.exitCode(), describe(allowed));
            assertEquals("hello", received.get(5, TimeUnit.SECONDS));
        }
    }

    @Test
    void nothingReachesTheListenerWhenDenied() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 5, InetAddress.getByName("127.0.0.1"))) {
            CompletableFuture<String> received = acceptOneLine(server, 1_000);
            ExecResult denied = Sandboxes.bash(cwd, NO_NETWORK,
                    "exec 3<>/dev/tcp/127.0.0.1/" + server.getLocalPort() + " && echo hi >&3");
            assertTrue(denied.exitCode() != 0, describe(denied));
            assertNull(received.get(5, TimeUnit.SECONDS), "no connection may arrive");
        }
    }

    @Test
    void tcpOverIpv6IsDeniedWithoutNetworkAndWorksWithIt() throws Exception {
        ServerSocket server;
        try {
            server = new ServerSocket(0, 5, InetAddress.getByName("::1"));
        } catch (IOException e) {
            assumeTrue(false, "no IPv6 loopback here: " + e);
            return;
        }
        try (server) {
            String port = String.valueOf(server.getLocalPort());
            ExecResult denied = perl(NO_NETWORK, TCP_CLIENT, "::1", port);
            assertTrue(denied.exitCode() != 0, describe(denied));
            assertTrue(denied.stderr().contains("Operation not permitted"), describe(denied));

            CompletableFuture<String> received = acceptOneLine(server, 5_000);
            ExecResult allowed = perl(NETWORK, TCP_CLIENT, "::1", port);
            assertEquals(0, allowed.exitCode(), describe(allowed));
            assertEquals("hello", received.get(5, TimeUnit.SECONDS));
        }
    }

    @Test
    void udpIsDeniedWithoutNetworkAndWorksWithIt() throws Exception {
        String sender = "use IO::Socket::IP; my $s = IO::Socket::IP->new(PeerHost => '127.0.0.1', "
                + "PeerPort => $ARGV[0], Proto => 'udp') or die \"socket: $@\\n\"; $s->send(\"ping\") or die \"send: $!\\n\";";
        try (DatagramSocket receiver = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            receiver.setSoTimeout(500);
            String port = String.valueOf(receiver.getLocalPort());
            ExecResult denied = perl(NO_NETWORK, sender, port);
            assertTrue(denied.exitCode() != 0, describe(denied));
            assertTrue(denied.stderr().contains("Operation not permitted"), describe(denied));
            assertNull(receive(receiver), "no datagram may arrive");

            receiver.setSoTimeout(5_000);
            ExecResult allowed = perl(NETWORK, sender, port);
            assertEquals(0, allowed.exitCode(), describe(allowed));
            assertEquals("ping", receive(receiver));
        }
    }

    private static String receive(DatagramSocket socket) throws IOException {
        byte[] buf = new byte[64];
        DatagramPacket packet = new DatagramPacket(buf, buf.length);
        try {
            socket.receive(packet);
            return new String(buf, 0, packet.getLength(), StandardCharsets.UTF_8);
        } catch (SocketTimeoutException e) {
            return null;
        }
    }

    // Unix sockets (outside servers, own listeners, pairs): LocalSocketEscapeTest.

    @Test
    void unixSocketpairsKeepWorkingWithoutNetwork() {
        ExecResult r = perl(NO_NETWORK, "use Socket; socketpair(my $a, my $b, AF_UNIX, SOCK_STREAM, PF_UNSPEC) "
                + "or die \"socketpair: $!\\n\"; syswrite($a, 'pair'); sysread($b, my $got, 4); print $got;");
        assertEquals(0, r.exitCode(), describe(r));
        assertEquals("pair", r.stdout());
    }

    @Test
    void ptraceIsDeniedWithoutNetwork() {
        String traceme = "my $r = syscall(101, 0, 0, 0, 0); print $r < 0 ? 0 + $! : 'ok';"; // PTRACE_TRACEME
        assumeTrue(com.sun.jna.Platform.isIntel(), "syscall number is x86_64's");
        ExecResult restricted = perl(NO_NETWORK, traceme);
        ExecResult free = perl(perms("disk-full-write-access", "network-full-access"), traceme);
        assertEquals("ok", free.stdout(), describe(free));
        assertEquals("1", restricted.stdout(), "EPERM: " + describe(restricted));
    }

    @Test
    void x32SyscallsAreRefused() {
        assumeTrue(com.sun.jna.Platform.isIntel(), "x32 is an x86_64 thing");
        ExecResult r = perl(NO_NETWORK, "my $r = syscall(0x40000027, 0, 0, 0, 0); print $r < 0 ? 0 + $! : 'ran';");
        assertEquals("1", r.stdout(), "EPERM: " + describe(r));
    }

    /** A syscall made through the i386 entry point carries another AUDIT_ARCH: the filter must kill it. */
    @Test
    void foreignArchitectureSyscallKillsTheProcess() {
        Path python = Path.of("/usr/bin/python3");
        assumeTrue(com.sun.jna.Platform.isIntel() && Files.isExecutable(python), "needs x86_64 and /usr/bin/python3");
        String int80 = "import ctypes, mmap\n"
                + "buf = mmap.mmap(-1, 4096, prot=mmap.PROT_READ | mmap.PROT_WRITE | mmap.PROT_EXEC)\n"
                + "buf.write(bytes([0xb8, 0x14, 0, 0, 0, 0xcd, 0x80, 0xc3]))  # mov eax,20 (getpid); int 0x80; ret\n"
                + "f = ctypes.CFUNCTYPE(ctypes.c_int)(ctypes.addressof(ctypes.c_char.from_buffer(buf)))\n"
                + "print('pid', f())\n";
        List<String> argv = List.of(python.toString(), "-c", int80);
        ExecResult free = Sandboxes.run(cwd, perms("disk-full-write-access", "network-full-access"), Map.of(), 10_000,
                argv);
        assumeTrue(free.exitCode() == 0, "this kernel has no i386 entry point: " + describe(free));
        ExecResult restricted = Sandboxes.run(cwd, perms("disk-full-write-access"), Map.of(), 10_000, argv);
        assertEquals(31, restricted.signal(), "SIGSYS: " + describe(restricted));
    }

    /**
     * bash sources ~/.bashrc when SHLVL is unset (a service's environment) and getpeername(stdin) fails
     * with an error other than "not a socket": it thinks a remote shell daemon started it. The filter
     * once answered EPERM, and every sandboxed {@code bash -c} ran the user's whole .bashrc (a pyenv
     * init there made each command take seconds under load).
     */
    @Test
    void bashWithoutShlvlDoesNotSourceBashrcUnderTheNetworkFilter(@TempDir Path home) throws Exception {
        Files.writeString(home.resolve(".bashrc"), "echo BASHRC-WAS-SOURCED\n");
        Map<String, String> env = new java.util.HashMap<>(EnvPolicy.childEnvironment());
        env.remove("SHLVL");
        env.put("HOME", home.toString());
        for (List<SandboxPermission> perms : List.of(perms("disk-full-read-access", "disk-write-cwd"), NO_NETWORK, NETWORK)) {
            ExecResult r = Sandboxes.EXECUTOR.run(new ExecRequest(List.of("bash", "-c", "echo ran"), cwd, env, 10_000,
                    perms, ExecRequest.DEFAULT_MAX_OUTPUT_BYTES, false));
            assertEquals(0, r.exitCode(), describe(r));
            assertEquals("ran\n", r.stdout(), perms + ": " + describe(r));
        }
        // the call itself stays refused, as "not a socket"
        ExecResult peer = perl(NO_NETWORK, "getpeername(STDIN) and die \"answered\\n\"; print $!+0, \"\\n\";");
        assertEquals("88\n", peer.stdout(), describe(peer));
    }
}

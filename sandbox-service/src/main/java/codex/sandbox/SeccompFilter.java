package codex.sandbox;

import com.sun.jna.Memory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The classic-BPF programs installed on the spawning thread.
 *
 * <p>Always (whenever a command is restricted): kernel-administration syscalls (module loading,
 * kexec, reboot, swapon/off, bpf, iopl/ioperm) fail with EPERM, so that even a root command cannot
 * step around Landlock; so do the keyring syscalls (add_key, request_key, keyctl: keyrings are
 * shared by every process of the user), open_by_handle_at (opens without a path; Landlock then
 * checks whichever name of the inode the kernel picks) and userfaultfd; prlimit64, setpriority and ioprio_set only work on the caller itself;
 * perf_event_open only per process (not system-wide or per cgroup); ioctl TIOCSTI and TIOCLINUX
 * (terminal input injection) fail. A syscall made with a foreign architecture's calling
 * convention kills the process, since its numbers would mean something else.
 *
 * <p>Without network-full-access, no connection and no datagram can reach any socket the command did
 * not create itself: socket()/socketpair() fail with EPERM for every address family but AF_UNIX and,
 * for AF_UNIX, for every type but SOCK_STREAM and SOCK_SEQPACKET (a datagram socket, socketpair ones
 * included, can sendmsg() to any named socket, and seccomp cannot read the msghdr's address;
 * SOCK_RAW is a datagram socket for AF_UNIX); connect, bind, listen, accept, accept4 and sendmmsg
 * fail with EPERM, and so do getsockname, shutdown, getsockopt, setsockopt and recvmmsg (harmless
 * on a socket pair, refused as Codex's own filter refuses them); getpeername is refused with ENOTSOCK
 * instead: bash takes any other error on stdin for "started by a remote shell daemon" and then
 * sources ~/.bashrc into every {@code bash -c} whose SHLVL is unset (a service's); sendto only
 * works without an address (send() on a socket pair). sendmsg stays allowed: on the only sockets a
 * command can hold (stream or seqpacket pairs, stdio) the kernel ignores or refuses an address.
 * ptrace, process_vm_readv/writev, pidfd_getfd and io_uring (which can open sockets behind the
 * filter's back) fail with EPERM too. On Landlock ABI >= 4 TCP bind/connect are also denied by the
 * Landlock ruleset, whatever socket they are attempted on.
 */
final class SeccompFilter {
    private SeccompFilter() {
    }

    private static final int BPF_LD_W_ABS = 0x20;
    private static final int BPF_JEQ_K = 0x15;
    private static final int BPF_JSET_K = 0x45;
    private static final int BPF_RET_K = 0x06;
    private static final int BPF_ALU_AND_K = 0x54;

    static final int RET_KILL_PROCESS = 0x80000000;
    static final int RET_ALLOW = 0x7fff0000;
    static final int RET_ERRNO_EPERM = 0x00050000 | LibC.EPERM;
    static final int RET_ERRNO_ENOTSOCK = 0x00050000 | LibC.ENOTSOCK;

    private static final int OFFSET_NR = 0;
    private static final int OFFSET_ARCH = 4;
    private static final int OFFSET_ARGS = 16;
    private static final int AF_UNIX = 1;
    private static final int SOCK_STREAM = 1;
    private static final int SOCK_SEQPACKET = 5;
    /** The kernel's SOCK_TYPE_MASK: the type without SOCK_NONBLOCK / SOCK_CLOEXEC. */
    private static final int SOCK_TYPE_MASK = 0xf;
    private static final int PRIO_PROCESS = 0;
    private static final int IOPRIO_WHO_PROCESS = 1;
    static final int TIOCSTI = 0x5412;
    static final int TIOCLINUX = 0x541C;
    private static final int PERF_FLAG_PID_CGROUP = 1 << 2;
    private static final int X32_SYSCALL_BIT = 0x40000000;

    /** One sock_filter; jumps name labels until {@link #encode} resolves them. */
    private record Insn(int code, String jumpTrue, String jumpFalse, int k) {
    }

    /** The instruction list, as 8-byte sock_filter structs (u16 code, u8 jt, u8 jf, u32 k). */
    static byte[] program(Arch arch, boolean denyNetwork) {
        List<Insn> program = new ArrayList<>();
        Map<String, Integer> labels = new HashMap<>();
        program.add(new Insn(BPF_LD_W_ABS, null, null, OFFSET_ARCH));
        program.add(new Insn(BPF_JEQ_K, "nr", "kill", arch.auditArch));
        labels.put("kill", program.size());
        program.add(new Insn(BPF_RET_K, null, null, RET_KILL_PROCESS));
        labels.put("nr", program.size());
        program.add(new Insn(BPF_LD_W_ABS, null, null, OFFSET_NR));
        if (arch == Arch.X86_64) {
            // x32 syscalls carry AUDIT_ARCH_X86_64 too but are numbered differently: refuse them all.
            program.add(new Insn(BPF_JSET_K, "eperm", null, X32_SYSCALL_BIT));
        }
        for (int denied : arch.kernelAdmin) {
            program.add(new Insn(BPF_JEQ_K, "eperm", null, denied));
        }
        for (int denied : arch.alwaysDenied) {
            program.add(new Insn(BPF_JEQ_K, "eperm", null, denied));
        }
        program.add(new Insn(BPF_JEQ_K, "prlimit", null, arch.prlimit64));
        program.add(new Insn(BPF_JEQ_K, "setpriority", null, arch.setpriority));
        program.add(new Insn(BPF_JEQ_K, "ioprio", null, arch.ioprioSet));
        program.add(new Insn(BPF_JEQ_K, "ioctl", null, arch.ioctl));
        program.add(new Insn(BPF_JEQ_K, "perf", null, arch.perfEventOpen));
        if (denyNetwork) {
            program.add(new Insn(BPF_JEQ_K, "family", null, arch.socket));
            program.add(new Insn(BPF_JEQ_K, "family", null, arch.socketpair));
            program.add(new Insn(BPF_JEQ_K, "sendto", null, arch.sendto));
            for (int denied : new int[] {arch.connect, arch.bind, arch.listen, arch.accept, arch.accept4, arch.sendmmsg}) {
                program.add(new Insn(BPF_JEQ_K, "eperm", null, denied));
            }
            for (int denied : arch.socketQueries) {
                program.add(new Insn(BPF_JEQ_K, denied == arch.getpeername() ? "enotsock" : "eperm", null, denied));
            }
            for (int denied : new int[] {arch.ptrace, arch.processVmReadv, arch.processVmWritev, Arch.PIDFD_GETFD,
                    Arch.IO_URING_SETUP, Arch.IO_URING_ENTER, Arch.IO_URING_REGISTER}) {
                program.add(new Insn(BPF_JEQ_K, "eperm", null, denied));
            }
        }
        program.add(new Insn(BPF_RET_K, null, null, RET_ALLOW));

        // socket(domain, type, protocol) / socketpair(domain, type, protocol, sv): AF_UNIX stream or
        // seqpacket only. The kernel reads both as int, so only the low words are compared.
        labels.put("family", program.size());
        program.add(new Insn(BPF_LD_W_ABS, null, null, argLow(0)));
        program.add(new Insn(BPF_JEQ_K, null, "eperm", AF_UNIX));
        program.add(new Insn(BPF_LD_W_ABS, null, null, argLow(1)));
        program.add(new Insn(BPF_ALU_AND_K, null, null, SOCK_TYPE_MASK));
        program.add(new Insn(BPF_JEQ_K, "allow", null, SOCK_STREAM));
        program.add(new Insn(BPF_JEQ_K, "allow", "eperm", SOCK_SEQPACKET));

        // sendto(fd, buf, len, flags, dest_addr, addrlen): only without an address (what send() is).
        labels.put("sendto", program.size());
        program.add(new Insn(BPF_LD_W_ABS, null, null, argLow(4)));
        program.add(new Insn(BPF_JEQ_K, null, "eperm", 0));
        program.add(new Insn(BPF_LD_W_ABS, null, null, argHigh(4)));
        program.add(new Insn(BPF_JEQ_K, "allow", "eperm", 0));

        // prlimit64(pid, resource, new, old): setting another process's limits could kill the executor
        // (RLIMIT_CPU) or starve it (RLIMIT_NOFILE); Landlock does not scope it. Own limits (pid 0,
        // what setrlimit and the shell's ulimit use) and reading anyone's stay allowed.
        labels.put("prlimit", program.size());
        program.add(new Insn(BPF_LD_W_ABS, null, null, argLow(0)));
        program.add(new Insn(BPF_JEQ_K, "allow", null, 0));
        program.add(new Insn(BPF_LD_W_ABS, null, null, argLow(2)));
        program.add(new Insn(BPF_JEQ_K, null, "eperm", 0));
        program.add(new Insn(BPF_LD_W_ABS, null, null, argHigh(2)));
        program.add(new Insn(BPF_JEQ_K, "allow", "eperm", 0));

        // setpriority(which, who, prio): only PRIO_PROCESS of the caller itself (what nice(1) does);
        // renicing the executor, a process group or every process of the user is refused.
        labels.put("setpriority", program.size());
        program.add(new Insn(BPF_LD_W_ABS, null, null, argLow(0)));
        program.add(new Insn(BPF_JEQ_K, null, "eperm", PRIO_PROCESS));
        program.add(new Insn(BPF_LD_W_ABS, null, null, argLow(1)));
        program.add(new Insn(BPF_JEQ_K, "allow", "eperm", 0));

        // ioprio_set(which, who, prio): the same, IOPRIO_WHO_PROCESS of the caller only.
        labels.put("ioprio", program.size());
        program.add(new Insn(BPF_LD_W_ABS, null, null, argLow(0)));
        program.add(new Insn(BPF_JEQ_K, null, "eperm", IOPRIO_WHO_PROCESS));
        program.add(new Insn(BPF_LD_W_ABS, null, null, argLow(1)));
        program.add(new Insn(BPF_JEQ_K, "allow", "eperm", 0));

        // ioctl(fd, cmd, arg): TIOCSTI pushes input into a terminal (typed by the user's shell once the
        // command ends: codex sandbox shares the terminal); TIOCLINUX can paste a console selection.
        // The kernel reads cmd as 32 bits, so only the low word is compared.
        labels.put("ioctl", program.size());
        program.add(new Insn(BPF_LD_W_ABS, null, null, argLow(1)));
        program.add(new Insn(BPF_JEQ_K, "eperm", null, TIOCSTI));
        program.add(new Insn(BPF_JEQ_K, "eperm", "allow", TIOCLINUX));

        // perf_event_open(attr, pid, cpu, group_fd, flags): system-wide (pid -1) or cgroup-wide
        // monitoring samples other processes' registers and stacks; Landlock's ptrace scoping only
        // covers the per-process form. Measuring the command itself stays allowed.
        labels.put("perf", program.size());
        program.add(new Insn(BPF_LD_W_ABS, null, null, argLow(1)));
        program.add(new Insn(BPF_JEQ_K, "eperm", null, -1));
        program.add(new Insn(BPF_LD_W_ABS, null, null, argLow(4)));
        program.add(new Insn(BPF_JSET_K, "eperm", "allow", PERF_FLAG_PID_CGROUP));

        labels.put("allow", program.size());
        program.add(new Insn(BPF_RET_K, null, null, RET_ALLOW));
        labels.put("eperm", program.size());
        program.add(new Insn(BPF_RET_K, null, null, RET_ERRNO_EPERM));
        labels.put("enotsock", program.size());
        program.add(new Insn(BPF_RET_K, null, null, RET_ERRNO_ENOTSOCK));
        return encode(program, labels);
    }

    /** Offsets of seccomp_data.args[i]'s halves (little-endian on both supported architectures). */
    private static int argLow(int i) {
        return OFFSET_ARGS + 8 * i;
    }

    private static int argHigh(int i) {
        return OFFSET_ARGS + 8 * i + 4;
    }

    private static byte[] encode(List<Insn> program, Map<String, Integer> labels) {
        byte[] out = new byte[program.size() * 8];
        for (int i = 0; i < program.size(); i++) {
            Insn insn = program.get(i);
            int jt = offset(i, insn.jumpTrue(), labels);
            int jf = offset(i, insn.jumpFalse(), labels);
            int at = i * 8;
            out[at] = (byte) insn.code();
            out[at + 1] = (byte) (insn.code() >>> 8);
            out[at + 2] = (byte) jt;
            out[at + 3] = (byte) jf;
            out[at + 4] = (byte) insn.k();
            out[at + 5] = (byte) (insn.k() >>> 8);
            out[at + 6] = (byte) (insn.k() >>> 16);
            out[at + 7] = (byte) (insn.k() >>> 24);
        }
        return out;
    }

    /** Jumps are relative to the next instruction and only go forward, at most 255 steps. */
    private static int offset(int from, String label, Map<String, Integer> labels) {
        if (label == null) {
            return 0;
        }
        int jump = labels.get(label) - from - 1;
        if (jump < 0 || jump > 255) {
            throw new IllegalStateException("BPF jump out of range: " + label);
        }
        return jump;
    }

    /**
     * The filter and its struct sock_fprog in native memory, ready for
     * {@code prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, fprog)}. Built once and never freed.
     */
    static final class Installed {
        final Memory filter;
        final Memory fprog;

        Installed(Arch arch, boolean denyNetwork) {
            byte[] code = program(arch, denyNetwork);
            filter = new Memory(code.length);
            filter.write(0, code, 0, code.length);
            fprog = new Memory(16); // u16 len, padding, pointer
            fprog.clear();
            fprog.setShort(0, (short) (code.length / 8));
            fprog.setPointer(8, filter);
        }

        /** Installs the filter on the calling thread (no_new_privs must be set). Returns 0 or the errno. */
        int install() {
            int r = LibC.prctl(LibC.PR_SET_SECCOMP, LibC.SECCOMP_MODE_FILTER, com.sun.jna.Pointer.nativeValue(fprog), 0, 0);
            return r < 0 ? com.sun.jna.Native.getLastError() : 0;
        }
    }
}

package codex.sandbox;

import com.sun.jna.Platform;

/** Per-architecture numbers for the syscalls the sandbox filters or calls. Only x86_64 and aarch64 are supported. */
enum Arch {
    X86_64(0xC000003E, 41, 53, 42, 49, 50, 43, 288, 44, 46, 307, 101, 310, 311,
            // init_module, finit_module, delete_module, kexec_load, kexec_file_load, reboot, swapon, swapoff,
            // bpf, iopl, ioperm
            new int[] {175, 313, 176, 246, 320, 169, 167, 168, 321, 172, 173},
            // open_by_handle_at, add_key, request_key, keyctl, userfaultfd
            new int[] {304, 248, 249, 250, 323},
            302, 141, 251, 16, 298, 125, 126,
            // getsockname, getpeername, shutdown, getsockopt, setsockopt, recvmmsg
            new int[] {51, 52, 48, 55, 54, 299}),
    AARCH64(0xC00000B7, 198, 199, 203, 200, 201, 202, 242, 206, 211, 269, 117, 270, 271,
            // init_module, finit_module, delete_module, kexec_load, kexec_file_load, reboot, swapon, swapoff, bpf
            new int[] {105, 273, 106, 104, 294, 142, 224, 225, 280},
            // open_by_handle_at, add_key, request_key, keyctl, userfaultfd
            new int[] {265, 217, 218, 219, 282},
            261, 140, 30, 29, 241, 90, 91,
            // getsockname, getpeername, shutdown, getsockopt, setsockopt, recvmmsg
            new int[] {204, 205, 210, 209, 208, 243});

    /** getpeername's number: the second of {@link #socketQueries}. */
    int getpeername() {
        return socketQueries[1];
    }

    /** AUDIT_ARCH_* value the kernel puts in seccomp_data.arch. */
    final int auditArch;
    final int socket;
    final int socketpair;
    final int connect;
    final int bind;
    final int listen;
    final int accept;
    final int accept4;
    final int sendto;
    final int sendmsg;
    final int sendmmsg;
    final int ptrace;
    final int processVmReadv;
    final int processVmWritev;
    /** Kernel-administration syscalls no sandboxed command may make, even as root. */
    final int[] kernelAdmin;
    /**
     * Syscalls denied to every restricted command whoever runs it: the key syscalls reach keyrings
     * shared with every process of the user (Landlock does not cover them); open_by_handle_at opens
     * a file without a path (Landlock checks whichever name of the inode the kernel picks: a second
     * line of defence, as in Docker's default profile); userfaultfd is a favourite tool of kernel
     * exploits and nothing a build needs.
     */
    final int[] alwaysDenied;
    /** Syscalls that act on another process by pid and are only allowed on the caller itself (checked by argument). */
    final int prlimit64;
    final int setpriority;
    final int ioprioSet;
    final int ioctl;
    final int perfEventOpen;
    final int capget;
    final int capset;
    /** Socket calls that open no path anywhere but are refused offline all the same, as Codex's own filter does. */
    final int[] socketQueries;

    /** gettid(2): the spawning thread moves itself (not the JVM) into a command's cgroup. */
    int gettid() {
        return this == X86_64 ? 186 : 178;
    }

    // Numbers from the unified table (same on every architecture).
    static final int PIDFD_OPEN = 434;
    static final int PIDFD_GETFD = 438;
    static final int IO_URING_SETUP = 425;
    static final int IO_URING_ENTER = 426;
    static final int IO_URING_REGISTER = 427;
    static final int LANDLOCK_CREATE_RULESET = 444;
    static final int LANDLOCK_ADD_RULE = 445;
    static final int LANDLOCK_RESTRICT_SELF = 446;

    Arch(int auditArch, int socket, int socketpair, int connect, int bind, int listen, int accept, int accept4,
         int sendto, int sendmsg, int sendmmsg, int ptrace, int processVmReadv, int processVmWritev,
         int[] kernelAdmin, int[] alwaysDenied, int prlimit64, int setpriority, int ioprioSet, int ioctl,
         int perfEventOpen, int capget, int capset, int[] socketQueries) {
        this.auditArch = auditArch;
        this.socket = socket;
        this.socketpair = socketpair;
        this.connect = connect;
        this.bind = bind;
        this.listen = listen;
        this.accept = accept;
        this.accept4 = accept4;
        this.sendto = sendto;
        this.sendmsg = sendmsg;
        this.sendmmsg = sendmmsg;
        this.ptrace = ptrace;
        this.processVmReadv = processVmReadv;
        this.processVmWritev = processVmWritev;
        this.kernelAdmin = kernelAdmin;
        this.alwaysDenied = alwaysDenied;
        this.prlimit64 = prlimit64;
        this.setpriority = setpriority;
        this.ioprioSet = ioprioSet;
        this.ioctl = ioctl;
        this.perfEventOpen = perfEventOpen;
        this.capget = capget;
        this.capset = capset;
        this.socketQueries = socketQueries;
    }

    /** The architecture of this JVM, or null when the sandbox does not support it. */
    static Arch current() {
        if (!Platform.isLinux()) {
            return null;
        }
        if (Platform.isIntel() && Platform.is64Bit()) {
            return X86_64;
        }
        if (Platform.isARM() && Platform.is64Bit()) {
            return AARCH64;
        }
        return null;
    }
}

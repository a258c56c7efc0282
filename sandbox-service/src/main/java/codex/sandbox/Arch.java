package codex.sandbox;

import com.sun.jna.Platform;

/** Per-architecture numbers for the syscalls the sandbox filters or calls. Only x86_64 and aarch64 are supported. */
enum Arch {
    X86_64(0xC000003E, 41, 53, 42, 49, 50, 43, 288, 44, 46, 307, 101, 310, 311,
            // init_module, finit_module, delete_module, kexec_load, kexec_file_load, reboot, swapon, swapoff,
            // bpf, iopl, ioperm
            new int[] {175, 313, 176, 246, 320, 169, 167, 168, 321, 172, 173}),
    AARCH64(0xC00000B7, 198, 199, 203, 200, 201, 202, 242, 206, 211, 269, 117, 270, 271,
            // init_module, finit_module, delete_module, kexec_load, kexec_file_load, reboot, swapon, swapoff, bpf
            new int[] {105, 273, 106, 104, 294, 142, 224, 225, 280});

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
         int[] kernelAdmin) {
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

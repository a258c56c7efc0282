package codex.sandbox;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

/**
 * Runs commands under Landlock + seccomp from inside a long-lived JVM.
 *
 * <p>Per command: an unrestricted pooled worker prepares everything (ruleset, pipes, native argv/env,
 * spawn file actions), then starts a fresh platform thread that restricts only itself
 * (no_new_privs, Landlock, seccomp), calls posix_spawn and ends. The worker joins it, then reads the
 * pipes and reaps the pid. No restricted thread ever survives or creates a thread, so no JVM thread
 * (process reaper, cleaner, pool worker) inherits a restriction.
 */
public final class SandboxedExecutor implements CommandExecutor, AutoCloseable {
    /** How long output is still read after the command exited (background children may hold the pipes). */
    static final long DRAIN_AFTER_EXIT_MS = 2_000;
    private static final int READ_CHUNK = 64 * 1024;
    /** How long the end of a command waits for its kill-switch thread to end. */
    private static final long KILL_SWITCH_JOIN_MS = 2_000;

    private final SandboxSupport support;
    private final Arch arch;
    /** Kernel-administration denials only (network allowed), and the same plus the network denials. */
    private final SeccompFilter.Installed baselineFilter;
    private final SeccompFilter.Installed noNetworkFilter;
    private final int devNullFd;
    private final ExecutorService workers;
    private final ResourceLimiter limiter;
    /**
     * Commands between their cgroups' preparation and the end of their spawn at once. Each needs a fresh JVM
     * thread (created and ended under the JVM's thread-list lock) and cgroup writes (under the kernel's
     * cgroup lock): hundreds at once only queued on those locks, each holder preempted by the others.
     */
    private final java.util.concurrent.Semaphore spawnSlots = new java.util.concurrent.Semaphore(
            Integer.getInteger("codex.sandbox.spawnSlots", SPAWN_SLOTS), true);
    static final int SPAWN_SLOTS = Math.max(4, 2 * Runtime.getRuntime().availableProcessors());
    /** Process groups of finished commands that still had members: unregistered from the reaper once empty. */
    private final java.util.concurrent.ConcurrentLinkedQueue<Integer> leftoverGroups =
            new java.util.concurrent.ConcurrentLinkedQueue<>();
    private volatile boolean closed;

    /** Loads JNA and libc and probes the kernel, all on the calling (unrestricted) thread; default limits. */
    public SandboxedExecutor() {
        this(CommandLimits.defaults());
    }

    /** With these per-command process and memory limits ({@link CommandLimits#NONE}: none). */
    public SandboxedExecutor(CommandLimits limits) {
        this(SandboxSupport.probe(), limits);
    }

    /** With a given probe result: lets tests pretend the kernel lacks a mechanism. */
    SandboxedExecutor(SandboxSupport support) {
        this(support, CommandLimits.defaults());
    }

    SandboxedExecutor(SandboxSupport support, CommandLimits limits) {
        this(support, ResourceLimiter.create(Arch.current() == null ? CommandLimits.NONE : limits));
    }

    /** With a given limiter (tests: a cgroup v2 one on a mount whose controllers cannot be enabled). */
    SandboxedExecutor(SandboxSupport support, ResourceLimiter limiter) {
        this.arch = Arch.current();
        this.limiter = limiter;
        // every command of this executor dies with this JVM, those that left their group too
        limiter.parentDirs().forEach(CommandReaper.get()::addCgroupParent);
        // the watcher starts now, not with the first command: started then (a fork of /bin/sh, 5-20 ms in
        // a fresh JVM) a command already running could outlive a JVM killed before its group was told
        CommandReaper.get().watcherPid();
        this.support = support;
        boolean seccomp = arch != null && support.seccompWorks();
        this.baselineFilter = seccomp ? new SeccompFilter.Installed(arch, false) : null;
        this.noNetworkFilter = seccomp ? new SeccompFilter.Installed(arch, true) : null;
        // Allocating once here starts JNA's cleaner thread now, from an unrestricted thread.
        try (Memory warm = new Memory(8)) {
            warm.setLong(0, 0);
        }
        this.devNullFd = aboveStdio(LibC.open("/dev/null", LibC.O_RDONLY | LibC.O_CLOEXEC, 0));
        if (devNullFd < 0) {
            throw new IllegalStateException("cannot open /dev/null: " + LibC.describe(Native.getLastError()));
        }
        AtomicInteger counter = new AtomicInteger();
        this.workers = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS, new SynchronousQueue<>(),
                r -> {
                    Thread t = new Thread(r, "codex-sandbox-io-" + counter.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
    }

    /** What the kernel can enforce (as probed when this executor was made). */
    public SandboxSupport support() {
        return support;
    }

    /** The per-command limits and how they are enforced here, one line each (for {@code codex sandbox --check}). */
    public String describeLimits() {
        return limiter.describe();
    }

    @Override
    public ExecHandle start(ExecRequest request, OutputListener listener) {
        if (closed) {
            throw new IllegalStateException("the sandbox executor is closed");
        }
        RunningCommand command = new RunningCommand(listener == null ? OutputListener.NONE : listener);
        command.check(request);
        try {
            workers.execute(command::run);
        } catch (RejectedExecutionException e) {
            throw new IllegalStateException("the sandbox executor is closed", e);
        }
        return command;
    }

    /** {@link #start}'s checks (file system reads) and {@code prepare} run on the command's own worker. */
    @Override
    public Optional<ExecHandle> startWithoutBlocking(ExecRequest request, UnaryOperator<ExecRequest> prepare,
                                                     OutputListener listener) {
        RunningCommand command = new RunningCommand(listener == null ? OutputListener.NONE : listener);
        if (closed) {
            command.result.completeExceptionally(new IllegalStateException("the sandbox executor is closed"));
            return Optional.of(command);
        }
        try {
            workers.execute(() -> {
                try {
                    command.check(prepare.apply(request));
                } catch (Throwable t) {
                    command.result.completeExceptionally(t);
                    return;
                }
                command.run();
            });
        } catch (RejectedExecutionException e) {
            command.result.completeExceptionally(new IllegalStateException("the sandbox executor is closed", e));
        }
        return Optional.of(command);
    }

    /** Blocking convenience: starts the command and waits for its result. */
    public ExecResult run(ExecRequest request) {
        try {
            return start(request, OutputListener.NONE).result().join();
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw e;
        }
    }

    /** Fail closed: a restriction the kernel cannot enforce is never silently dropped. */
    private void refuseUnenforceable(SandboxPolicy policy, ExecRequest request) {
        if (policy.unrestricted()) {
            return;
        }
        String what = "refusing to run " + request.argv().get(0) + " under " + policy.permissions();
        String escape = " (only disk-full-write-access + network-full-access runs without a sandbox; "
                + "`codex sandbox --check` shows what this kernel supports)";
        if (arch == null) {
            throw new SandboxUnavailableException(what + ": the sandbox supports Linux x86_64 and aarch64 only, not "
                    + support.arch() + escape);
        }
        if (policy.restrictsFilesystem() && !support.landlockWorks()) {
            throw new SandboxUnavailableException(what + ": Landlock is unavailable: " + support.landlockProblem()
                    + escape);
        }
        if (policy.restrictsNetwork() && !support.seccompWorks()) {
            throw new SandboxUnavailableException(what + ": seccomp is unavailable: " + support.seccompProblem()
                    + escape);
        }
    }

    @Override
    public void close() {
        closed = true;
        workers.shutdown();
        try {
            if (workers.awaitTermination(5, TimeUnit.SECONDS)) {
                LibC.close(devNullFd);
            }
            limiter.parentDirs().forEach(CommandReaper.get()::removeCgroupParent);
            limiter.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Moves an fd out of 0..2 so it can never be clobbered by the child's stdio wiring. */
    private static int aboveStdio(int fd) {
        if (fd < 0 || fd > 2) {
            return fd;
        }
        int moved = LibC.fcntl(fd, LibC.F_DUPFD_CLOEXEC, 3);
        LibC.close(fd);
        return moved;
    }

    /** One command: the handle the caller holds, and the work the pooled worker does. */
    private final class RunningCommand implements ExecHandle {
        /** Set by {@link #check} before the command runs (on the thread that then runs it, or before it starts). */
        private ExecRequest request;
        private Path cwd;
        private SandboxPolicy policy;
        private final OutputListener listener;
        private final CompletableFuture<ExecResult> result = new CompletableFuture<>();
        private volatile boolean cancelled;
        private boolean timedOut;
        /** Guarded by this: the pid to kill, 0 until spawned; reaped once waitpid collected it. */
        private int pid;
        private boolean reaped;
        /** Guarded by this: write end of the kill switch while the command's domain can be swept, else -1. */
        private int killSwitchWriteFd = -1;
        private boolean killSwitchFired;

        RunningCommand(OutputListener listener) {
            this.listener = listener;
        }

        /** The working directory and the policy, refused when this kernel cannot enforce it (fail closed). */
        void check(ExecRequest request) {
            Path cwd = request.cwd().toAbsolutePath().normalize();
            if (!Files.isDirectory(cwd)) {
                throw new IllegalArgumentException("working directory " + cwd + " does not exist or is not a directory");
            }
            SandboxPolicy policy = SandboxPolicy.resolve(request.permissions(), cwd, request.env());
            refuseUnenforceable(policy, request);
            this.request = request;
            this.cwd = cwd;
            this.policy = policy;
        }

        @Override
        public void cancel() {
            cancelled = true;
            killGroup();
        }

        @Override
        public CompletableFuture<ExecResult> result() {
            return result;
        }

        private synchronized void killGroup() {
            if (pid > 0 && !reaped) {
                // The child leads its own group unless it shares our terminal (codex sandbox).
                LibC.kill(request.inheritStdio() ? pid : -pid, LibC.SIGKILL);
            }
            if (killSwitchWriteFd >= 0 && !killSwitchFired) {
                // Also every process of the command's Landlock domain, wherever setsid/double-fork took it.
                killSwitchFired = true;
                try (Memory one = new Memory(1)) {
                    one.setByte(0, (byte) 'K');
                    LibC.write(killSwitchWriteFd, one, 1);
                }
            }
        }

        void run() {
            try {
                execute();
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        }

        private void execute() {
            sweepLeftoverGroups();
            long startNanos = System.nanoTime();
            Path program = ProgramLookup.resolve(request.argv().get(0), cwd, request.env());
            if (program == null) {
                finishWithoutProcess(127, "codex-sandbox: " + request.argv().get(0) + ": command not found\n",
                        false, startNanos);
                return;
            }
            boolean restricted = !policy.unrestricted();
            int[] out = {-1, -1};
            int[] err = {-1, -1};
            int[] killSwitch = {-1, -1};
            int rulesetFd = -1;
            Spawner spawner;
            Thread spawnThread = null;
            Capabilities capabilities = null;
            ResourceLimiter.Group limits = null;
            spawnSlots.acquireUninterruptibly();
            try {
                limits = request.inheritStdio() ? null : limiter.prepare();
                rulesetFd = restricted ? buildRuleset(program, limits == null ? null : limits.gate()) : -1;
                if (!request.inheritStdio()) {
                    openPipe(out);
                    openPipe(err);
                }
                // kill(-1) from inside the command's domain only reaches the command's processes when
                // Landlock scopes signals (ABI >= 6); without that scope there is no kill switch at all.
                boolean signalScoped = rulesetFd >= 0 && support.landlockAbi() >= 6;
                if (signalScoped) {
                    openPipe(killSwitch);
                }
                capabilities = restricted && arch != null ? new Capabilities(arch) : null;
                try (SpawnPlan plan = new SpawnPlan(program, request.argv(), request.env(), cwd,
                        request.inheritStdio() ? -1 : devNullFd, out[1], err[1], !request.inheritStdio(),
                        limits == null ? null : limits.gate())) {
                    spawner = new Spawner(plan, restricted, capabilities, rulesetFd,
                            !restricted ? null : policy.restrictsNetwork() ? noNetworkFilter : baselineFilter,
                            killSwitch[0], limits == null ? new int[0] : limits.taskFds, arch == null ? 0 : arch.gettid());
                    if (limits != null) {
                        spawner.leaveCgroupsAfterSpawn(limits.leaveFds);
                    }
                    startNanos = System.nanoTime();
                    // a thread that joins the command's cgroups must not be a pooled worker either
                    if (restricted || limits != null) {
                        spawnThread = new Thread(null, spawner, "codex-sandbox-spawn", 256 * 1024);
                        spawnThread.setDaemon(true);
                        long lastPid = limits != null && limits.gate() != null ? CgroupV2.lastPid() : 0;
                        spawnThread.start();
                        if (limits != null) {
                            limits.placeChild(spawner, lastPid); // cgroup v2: before the child may exec
                        }
                        spawner.awaitSpawn();
                        if (!spawner.servingKillSwitch) {
                            SandboxSupport.joinUninterruptibly(spawnThread);
                        }
                    } else {
                        spawner.run(); // nothing to restrict: spawn from this worker directly
                    }
                }
            } catch (RuntimeException e) {
                closeQuietly(out[0]);
                closeQuietly(err[0]);
                closeQuietly(killSwitch[0]);
                closeQuietly(killSwitch[1]);
                if (capabilities != null) {
                    capabilities.close();
                }
                if (limits != null) {
                    limits.release();
                }
                throw e;
            } finally {
                spawnSlots.release();
                if (limits != null) {
                    limits.closeTaskFds();
                }
                closeQuietly(rulesetFd);
                closeQuietly(out[1]);
                closeQuietly(err[1]);
            }
            if (!spawner.servingKillSwitch) {
                closeQuietly(killSwitch[0]);
                closeQuietly(killSwitch[1]);
                spawner.close();
                capabilities = closeCapabilities(capabilities);
            }
            if (spawner.failedStep != Spawner.STEP_NONE && limits != null) {
                limits.release();
            }
            if (spawner.failedStep == Spawner.STEP_SPAWN) {
                closeQuietly(out[0]);
                closeQuietly(err[0]);
                int errno = spawner.errno;
                int code = errno == LibC.ENOENT ? 127 : 126;
                // A file without execute permission fails with EACCES too: only blame the sandbox otherwise.
                boolean denied = restricted && (errno == LibC.EACCES || errno == LibC.EPERM)
                        && Files.isExecutable(program);
                finishWithoutProcess(code, "codex-sandbox: cannot run " + program + ": " + LibC.describe(errno)
                        + (denied ? " (denied by the sandbox)" : "") + "\n", denied, startNanos);
                return;
            }
            if (spawner.failedStep != Spawner.STEP_NONE) {
                closeQuietly(out[0]);
                closeQuietly(err[0]);
                throw new SandboxUnavailableException("could not sandbox " + request.argv().get(0) + ": "
                        + Spawner.describeStep(spawner.failedStep) + " failed: " + LibC.describe(spawner.errno)
                        + "; the command was not run");
            }
            if (limits != null && limits.placementProblem() != null) {
                // killed at the gate before it ran anything of its own, or (never found there) killed now
                if (spawner.pid > 0) {
                    LibC.kill(-spawner.pid, LibC.SIGKILL);
                    LibC.kill(spawner.pid, LibC.SIGKILL);
                }
                if (spawner.servingKillSwitch) {
                    try (Memory one = new Memory(1)) {
                        one.setByte(0, (byte) 'K'); // and whatever it started, wherever it went
                        LibC.write(killSwitch[1], one, 1);
                    }
                    closeQuietly(killSwitch[1]);
                    releaseKillSwitch(spawnThread, spawner, killSwitch[0]);
                    closeCapabilities(capabilities);
                }
                if (spawner.pid > 0) {
                    LibC.waitpid(spawner.pid, new int[1], 0);
                }
                closeQuietly(out[0]);
                closeQuietly(err[0]);
                limits.release();
                throw new SandboxUnavailableException("could not put " + request.argv().get(0)
                        + " into its resource-limit group: " + limits.placementProblem() + "; the command was not run");
            }
            synchronized (this) {
                pid = spawner.pid;
                if (spawner.servingKillSwitch) {
                    killSwitchWriteFd = killSwitch[1];
                }
            }
            if (!request.inheritStdio()) {
                // the command leads its own group (pgid = pid): it dies with this JVM (CommandReaper)
                CommandReaper.get().addGroup(pid);
            }
            if (limits == null && !request.inheritStdio()) {
                limiter.limitChild(pid, arch);
            }
            if (cancelled) {
                killGroup();
            }
            ExecResult finished;
            try {
                finished = supervise(out[0], err[0], restricted, startNanos);
                if (limits != null && (finished.timedOut() || finished.cancelled())) {
                    limits.killAll(); // every process of the command, wherever setsid took it
                }
                finished = withLimitNote(finished, limits);
            } finally {
                if (!request.inheritStdio()) {
                    forgetGroupWhenEmpty(pid);
                }
                if (limits != null) {
                    limits.release();
                }
                // Before the result is delivered: a fired kill switch has swept the domain by then,
                // and no restricted thread outlives the command.
                if (spawner.servingKillSwitch) {
                    releaseKillSwitch(spawnThread, spawner, killSwitch[0]);
                    closeCapabilities(capabilities);
                }
            }
            result.complete(finished);
        }

        /** A command stopped by a limit says so on its stderr (and to the listener), in words. */
        private ExecResult withLimitNote(ExecResult r, ResourceLimiter.Group limits) {
            String note = limits != null ? limits.limitNote() : r.exitCode() != 0 ? rlimitNote(r) : null;
            if (note == null) {
                return r;
            }
            byte[] bytes = note.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            listener.onOutput(OutputListener.Stream.STDERR, bytes);
            return new ExecResult(r.exitCode(), r.signal(), r.timedOut(), r.cancelled(), r.durationMs(), r.stdout(),
                    r.stderr() + note, r.droppedBytes(), r.sandboxDenied());
        }

        /** Under rlimits the kernel keeps no count: recognise the usual failure messages. */
        private String rlimitNote(ExecResult r) {
            String text = (r.stderr() + r.stdout()).toLowerCase(java.util.Locale.ROOT);
            CommandLimits l = limiter.limits();
            if (l.maxProcesses() > 0 && (text.contains("resource temporarily unavailable")
                    || text.contains("cannot fork"))) {
                return "codex-sandbox: the command may have reached its limit of " + l.maxProcesses()
                        + " processes ([sandbox] max_processes raises it)\n";
            }
            if (l.maxMemoryBytes() > 0 && (text.contains("cannot allocate memory") || text.contains("out of memory")
                    || text.contains("memoryerror"))) {
                return "codex-sandbox: the command may have reached its memory limit of "
                        + l.maxMemoryBytes() / CommandLimits.MIB + " MiB ([sandbox] max_memory_mb raises it)\n";
            }
            return null;
        }

        private Capabilities closeCapabilities(Capabilities capabilities) {
            if (capabilities != null) {
                capabilities.close();
            }
            return null;
        }

        /**
         * The command is over (or the supervision failed): end the kill-switch thread without firing
         * it (end of file), wait for it, then free what it used. A thread that does not end within
         * the wait keeps its fd and memory (freeing them under it would be worse).
         */
        private void releaseKillSwitch(Thread spawnThread, Spawner spawner, int readFd) {
            synchronized (this) {
                closeQuietly(killSwitchWriteFd);
                killSwitchWriteFd = -1;
            }
            try {
                spawnThread.join(KILL_SWITCH_JOIN_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (!spawnThread.isAlive()) {
                closeQuietly(readFd);
                spawner.close();
            }
        }

        private int buildRuleset(Path program, Path cgroupGate) {
            int abi = support.landlockAbi();
            if (!support.landlockWorks()) {
                return -1; // only reachable when the filesystem is unrestricted (checked in start)
            }
            long handledFs = policy.restrictsFilesystem() ? Landlock.fsRights(abi) : 0;
            long handledNet = policy.restrictsNetwork() && abi >= 4
                    ? Landlock.NET_BIND_TCP | Landlock.NET_CONNECT_TCP : 0;
            // without network-full-access, abstract unix sockets of processes outside the sandbox are
            // out of reach too (an abstract socket is a network endpoint with no file to guard it)
            long scoped = abi < 6 ? 0 : Landlock.SCOPE_SIGNAL
                    | (policy.restrictsNetwork() ? Landlock.SCOPE_ABSTRACT_UNIX_SOCKET : 0);
            if ((handledFs | handledNet | scoped) == 0) {
                return -1;
            }
            List<Landlock.Rule> rules = new ArrayList<>();
            if (handledFs != 0) {
                for (Path p : policy.readOnlyRoots(program)) {
                    rules.add(new Landlock.Rule(p, Landlock.READ));
                }
                if (!policy.fullRead()) {
                    for (Path p : request.readablePaths()) {
                        try {
                            rules.add(new Landlock.Rule(p.toRealPath(), Landlock.READ));
                        } catch (java.io.IOException e) {
                            // gone: nothing to grant
                        }
                    }
                }
                if (cgroupGate != null && !policy.fullRead()) {
                    rules.add(new Landlock.Rule(cgroupGate, Landlock.READ_FILE)); // the child opens it before exec
                }
                for (Path p : SandboxPolicy.WRITABLE_DEVICES) {
                    rules.add(new Landlock.Rule(p, Landlock.READ_FILE | Landlock.WRITE_FILE | Landlock.TRUNCATE
                            | Landlock.IOCTL_DEV));
                }
                // every root's .git/.codex, kept read-only wherever they lie beneath any writable root (the
                // working directory under a writable /tmp included)
                List<Path> readOnly = new ArrayList<>();
                for (Path root : policy.writableRoots()) {
                    readOnly.addAll(policy.readOnlyEntries(root));
                }
                for (Path p : policy.writableRoots()) {
                    addWritable(rules, p, readOnly, handledFs & ~Landlock.DEVICE_NODES);
                }
            }
            return Landlock.createRuleset(abi, handledFs, handledNet, scoped, rules);
        }

        /**
         * Grants {@code rights} on {@code dir} unless a read-only entry lies beneath it. Landlock grants only add
         * up along a path (a right on a folder covers everything beneath it), so such a folder gets read rights
         * only, and each of its entries gets the write rights, the read-only ones excepted and the folders on
         * the way to one split the same way. Consequence: existing files in a split folder can be written and
         * the other subfolders are fully writable, but entries directly in a split folder cannot be created,
         * removed or renamed. Entries that are symlinks, or resolve elsewhere, are skipped (a grant follows the
         * link).
         */
        private void addWritable(List<Landlock.Rule> rules, Path dir, List<Path> readOnly, long rights) {
            boolean split = readOnly.stream().anyMatch(p -> p.startsWith(dir) && !p.equals(dir));
            if (!split) {
                if (!readOnly.contains(dir)) {
                    rules.add(new Landlock.Rule(dir, rights));
                }
                return;
            }
            rules.add(new Landlock.Rule(dir, Landlock.READ));
            try (java.util.stream.Stream<Path> entries = java.nio.file.Files.list(dir)) {
                for (Path entry : (Iterable<Path>) entries::iterator) {
                    if (readOnly.contains(entry) || java.nio.file.Files.isSymbolicLink(entry)) {
                        continue;
                    }
                    Path real;
                    try {
                        real = entry.toRealPath();
                    } catch (java.io.IOException gone) {
                        continue;
                    }
                    if (dir.equals(real.getParent())) {
                        addWritable(rules, real, readOnly, rights);
                    }
                }
            } catch (java.io.IOException | java.io.UncheckedIOException e) {
                // unreadable folder: read rights only, nothing writable (fails closed)
            }
        }

        /** Reads the output, enforces the timeout, reaps the command; returns its result. */
        private ExecResult supervise(int outFd, int errFd, boolean restricted, long startNanos) {
            OutputCapture capture = new OutputCapture(request.maxOutputBytes(), listener);
            int pidfd = (int) LibC.syscall(Arch.PIDFD_OPEN, pid, 0, 0, 0, 0);
            int[] status = {0};
            boolean exited = false; // status is valid
            long endNanos = 0;
            long deadline = request.timeoutMs() > 0
                    ? startNanos + TimeUnit.MILLISECONDS.toNanos(request.timeoutMs()) : Long.MAX_VALUE;
            long drainDeadline = Long.MAX_VALUE;
            boolean outOpen = outFd >= 0;
            boolean errOpen = errFd >= 0;
            boolean done = false;
            try (Memory pollFds = new Memory(24); Memory buffer = new Memory(READ_CHUNK)) {
                byte[] chunk = new byte[READ_CHUNK];
                while (outOpen || errOpen || !isReaped()) {
                    long now = System.nanoTime();
                    if (!isReaped() && now >= deadline && !timedOut) {
                        timedOut = true;
                        killGroup();
                    }
                    if (isReaped() && now >= drainDeadline) {
                        break; // background children still hold the pipes: stop waiting for them
                    }
                    long until = isReaped() ? drainDeadline : timedOut ? Long.MAX_VALUE : deadline;
                    int timeoutMs = until == Long.MAX_VALUE ? -1
                            : (int) Math.min(Integer.MAX_VALUE, Math.max(0, (until - now + 999_999) / 1_000_000));
                    boolean watchPid = !isReaped();
                    if (watchPid && pidfd < 0) {
                        timeoutMs = timeoutMs < 0 ? 20 : Math.min(timeoutMs, 20); // no pidfd: poll waitpid
                    }
                    setPollFd(pollFds, 0, outOpen ? outFd : -1);
                    setPollFd(pollFds, 1, errOpen ? errFd : -1);
                    setPollFd(pollFds, 2, watchPid ? pidfd : -1);
                    int ready = LibC.poll(pollFds, 3, timeoutMs);
                    if (ready < 0) {
                        int errno = Native.getLastError();
                        if (errno == LibC.EINTR) {
                            continue;
                        }
                        throw new IllegalStateException("poll failed: " + LibC.describe(errno));
                    }
                    if (outOpen && pollFds.getShort(6) != 0) {
                        outOpen = readOnce(outFd, buffer, chunk, OutputListener.Stream.STDOUT, capture);
                    }
                    if (errOpen && pollFds.getShort(14) != 0) {
                        errOpen = readOnce(errFd, buffer, chunk, OutputListener.Stream.STDERR, capture);
                    }
                    if (watchPid && (pidfd < 0 || pollFds.getShort(22) != 0)) {
                        int reapedState = tryReap(status);
                        if (reapedState != 0) {
                            exited = reapedState > 0;
                            endNanos = System.nanoTime();
                            drainDeadline = endNanos + TimeUnit.MILLISECONDS.toNanos(DRAIN_AFTER_EXIT_MS);
                        }
                    }
                }
                done = true;
            } finally {
                closeQuietly(outFd);
                closeQuietly(errFd);
                closeQuietly(pidfd);
                if (!done) {
                    killGroup();
                    reapBlocking(status);
                }
            }
            int signal = exited && (status[0] & 0x7f) != 0 ? status[0] & 0x7f : 0;
            int exitCode = !exited ? -1 : signal != 0 ? 128 + signal : (status[0] >> 8) & 0xff;
            String stdout = capture.stdout();
            String stderr = capture.stderr();
            boolean denied = SandboxDenial.looksLikeDenial(restricted, exitCode, timedOut, cancelled, stdout, stderr);
            return new ExecResult(exitCode, signal, timedOut, cancelled,
                    TimeUnit.NANOSECONDS.toMillis(endNanos - startNanos), stdout, stderr, capture.dropped(), denied);
        }

        private synchronized boolean isReaped() {
            return reaped;
        }

        /** 1 = reaped with a status, -1 = gone without a status (ECHILD), 0 = still running. */
        private synchronized int tryReap(int[] status) {
            int r = LibC.waitpid(pid, status, LibC.WNOHANG);
            if (r == pid) {
                reaped = true;
                return 1;
            }
            if (r < 0 && Native.getLastError() != LibC.EINTR) {
                reaped = true;
                return -1;
            }
            return 0;
        }

        private void reapBlocking(int[] status) {
            synchronized (this) {
                if (reaped || pid <= 0) {
                    return;
                }
            }
            while (true) {
                int r = LibC.waitpid(pid, status, 0);
                if (r == pid || (r < 0 && Native.getLastError() != LibC.EINTR)) {
                    synchronized (this) {
                        reaped = true;
                    }
                    return;
                }
            }
        }

        /** Returns whether the stream is still open. */
        private boolean readOnce(int fd, Memory buffer, byte[] chunk, OutputListener.Stream stream,
                                 OutputCapture capture) {
            long n = LibC.read(fd, buffer, READ_CHUNK);
            if (n > 0) {
                buffer.read(0, chunk, 0, (int) n);
                capture.accept(stream, chunk, (int) n);
                return true;
            }
            if (n < 0 && Native.getLastError() == LibC.EINTR) {
                return true;
            }
            return false;
        }

        private void finishWithoutProcess(int exitCode, String message, boolean denied, long startNanos) {
            OutputCapture capture = new OutputCapture(request.maxOutputBytes(), listener);
            byte[] bytes = message.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            if (request.inheritStdio()) {
                System.err.print(message);
                System.err.flush();
            } else {
                capture.accept(OutputListener.Stream.STDERR, bytes, bytes.length);
            }
            result.complete(new ExecResult(exitCode, 0, false, cancelled,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos), capture.stdout(), capture.stderr(),
                    capture.dropped(), denied));
        }
    }

    /**
     * The command was reaped: its group leaves the reaper's list once no process is left in it
     * (background processes of a normal exit keep running, and still die with this JVM).
     */
    private void forgetGroupWhenEmpty(int pgid) {
        if (LibC.kill(-pgid, 0) == 0) {
            leftoverGroups.add(pgid);
        } else {
            CommandReaper.get().removeGroup(pgid);
        }
    }

    private void sweepLeftoverGroups() {
        for (int i = leftoverGroups.size(); i > 0; i--) {
            Integer pgid = leftoverGroups.poll();
            if (pgid != null) {
                forgetGroupWhenEmpty(pgid);
            }
        }
    }

    private static void setPollFd(Memory pollFds, int index, int fd) {
        long at = index * 8L;
        pollFds.setInt(at, fd);
        pollFds.setShort(at + 4, LibC.POLLIN);
        pollFds.setShort(at + 6, (short) 0);
    }

    private static void openPipe(int[] fds) {
        if (LibC.pipe2(fds, LibC.O_CLOEXEC) != 0) {
            throw new IllegalStateException("pipe2 failed: " + LibC.describe(Native.getLastError()));
        }
        fds[0] = aboveStdio(fds[0]);
        fds[1] = aboveStdio(fds[1]);
    }

    private static void closeQuietly(int fd) {
        if (fd >= 0) {
            LibC.close(fd);
        }
    }
}

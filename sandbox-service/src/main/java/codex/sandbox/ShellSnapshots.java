package codex.sandbox;

import codex.protocol.SandboxPermission;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.logging.Logger;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The shell snapshot: {@code bash -lc SCRIPT} sources the user's whole login profile on every command
 * (~100 ms with a real profile, against ~2 ms for {@code bash -c}). Instead, the first login command
 * per shell, environment, sandbox and profile runs the login shell once, in the sandbox, and records
 * what the profile set up: the environment and, for bash and zsh, functions, aliases, traps, umask and
 * options. Each later command then runs with the recorded environment, its script and arguments
 * untouched, in a shell that reads a snapshot file instead of the profile:
 * <ul>
 *   <li>{@code bash -lc SCRIPT} as {@code bash --noprofile -lc SCRIPT} with {@code BASH_ENV} naming the
 *       file: still a login shell (so {@code shopt login_shell} and {@code ~/.bash_logout} on {@code exit}
 *       are as before), but no profile is read, and a non-interactive bash reads {@code BASH_ENV} before
 *       the script;</li>
 *   <li>{@code zsh -lc SCRIPT} as {@code zsh -c SCRIPT} with {@code ZDOTDIR} naming the file's folder:
 *       zsh reads {@code /etc/zsh/zshenv}, then our {@code .zshenv}, then runs the script.</li>
 * </ul>
 * The file puts {@code BASH_ENV} / {@code ZDOTDIR} back as the login shell had them, so children see
 * nothing of it. Aliases are defined before the script is read, and line numbers, {@code $0},
 * {@code $LINENO}, {@code BASH_EXECUTION_STRING}, stdin and exit codes are the login shell's.
 *
 * <p>A snapshot is keyed by shell, environment, permissions and the profile files' stamps (path, size,
 * mtime), so editing {@code ~/.bashrc} makes the next command take a fresh one. When the profile
 * misbehaves during the capture (non-zero exit, output of its own, a timeout), commands run as the plain
 * login shell, as without a snapshot, and a note is logged once. It is taken with the already-filtered
 * environment, so a secret our environment had stays out of it; what the profile exports itself the
 * command sees, as it would under the login shell.
 *
 * <p>The files live in a directory of this service's own ({@code DIR/<pid>-<random>/}, mode 0700, files
 * 0600), each checked against the copy in memory before every command that uses it and rewritten when it
 * differs. A command is granted read access to its own snapshot only. A sandboxed command that could
 * write into the directory (one of its writable roots covers it, or it has disk-full-write-access
 * without the network) turns snapshots off for the rest of the service's life before it starts, and the
 * files are deleted. The directory goes on {@link #close()}; directories of processes that are gone are
 * removed when a new one is made.
 *
 * <p>Known differences from a login shell: zsh's {@code login} option is off, non-exported shell
 * variables the profile sets are not carried over, a {@code cd} in the profile is not repeated, and files
 * the profile sources are not watched for changes.
 */
public final class ShellSnapshots implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ShellSnapshots.class.getName());
    /** A login shell that takes longer than this to start is not snapshotted. */
    static final long CAPTURE_TIMEOUT_MS = 10_000;
    private static final int CAPTURE_MAX_OUTPUT = 4 << 20;
    /** What a profile may print (each stream) and still be snapshotted: the snapshot prints it again for every command. */
    private static final int MAX_PRINTED = 64 << 10;
    private static final Pattern EXIT_TRAP = Pattern.compile("^trap -- .* (EXIT|0)$");
    private static final int MAX_CACHED = 64;
    /** Set by the shell itself or per process: taken from the command's environment, not the snapshot. */
    private static final Set<String> SHELL_OWNED = Set.of("_", "PWD", "OLDPWD", "SHLVL");
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    /**
     * @param enabled   false: every request runs as asked ({@code [features] shell_snapshot = false})
     * @param directory where this service makes its own snapshot directory ({@code $CODEX_HOME/shell_snapshots})
     */
    public record Settings(boolean enabled, Path directory) {
        /** {@code $CODEX_HOME/shell_snapshots} (or {@code ~/.codex/shell_snapshots}), on. */
        public static Settings defaults(Map<String, String> env) {
            String codexHome = env.get("CODEX_HOME");
            Path home = codexHome != null && !codexHome.isBlank() ? Path.of(codexHome)
                    : Path.of(System.getProperty("user.home"), ".codex");
            return new Settings(true, home.resolve("shell_snapshots"));
        }
    }

    private final Function<ExecRequest, ExecResult> runner;
    private final boolean enabled;
    private final long captureTimeoutMs;
    private final Path base;
    private Path dir;
    private volatile boolean exposed;
    private final Map<Key, CompletableFuture<Snapshot>> cache = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, CompletableFuture<Snapshot>> eldest) {
            if (size() <= MAX_CACHED) {
                return false;
            }
            eldest.getValue().thenAccept(ShellSnapshots::deleteFiles);
            return true;
        }
    };

    /** @param runner runs a command to completion (the sandbox executor: the capture is sandboxed like the command) */
    public ShellSnapshots(Function<ExecRequest, ExecResult> runner, Settings settings) {
        this(runner, settings, CAPTURE_TIMEOUT_MS);
    }

    ShellSnapshots(Function<ExecRequest, ExecResult> runner, Settings settings, long captureTimeoutMs) {
        this.captureTimeoutMs = captureTimeoutMs;
        this.runner = Objects.requireNonNull(runner, "runner");
        this.enabled = settings.enabled();
        this.base = settings.directory().toAbsolutePath().normalize();
    }

    /** A {@code bash -lc SCRIPT} or {@code zsh -lc SCRIPT} command, or null. */
    record LoginInvocation(Kind kind, String shell, String script) {
        static LoginInvocation of(List<String> argv) {
            if (argv.size() != 3 || !argv.get(1).equals("-lc")) {
                return null;
            }
            String shell = argv.get(0);
            String name = shell.substring(shell.lastIndexOf('/') + 1);
            Kind kind = switch (name) {
                case "bash" -> Kind.BASH;
                case "zsh" -> Kind.ZSH;
                default -> null;
            };
            return kind == null ? null : new LoginInvocation(kind, shell, argv.get(2));
        }
    }

    enum Kind { BASH, ZSH }

    /** The sandbox is part of the key: a profile the sandbox cannot read gives a different login shell. */
    private record Key(String shell, Map<String, String> env, List<SandboxPermission> permissions, List<String> stamps) { }

    /**
     * What a capture produced: the login environment and the file the non-login shell reads first (bash:
     * the BASH_ENV file; zsh: the ZDOTDIR folder holding .zshenv), or why there is none.
     */
    record Snapshot(Kind kind, Map<String, String> env, Path file, byte[] content, String problem) {
        boolean usable() {
            return problem == null;
        }

        static Snapshot failed(String problem) {
            return new Snapshot(null, Map.of(), null, null, problem);
        }

        /** What the command is granted to read: the file, or for zsh its folder (zsh lists nothing there). */
        Path readable() {
            return kind == Kind.ZSH ? file.getParent() : file;
        }
    }

    /**
     * The request to run instead: the snapshot applied when it is a login-shell command and a snapshot
     * can be had, the request itself otherwise. Blocking (the first call per key runs the login shell).
     */
    public ExecRequest prepare(ExecRequest request) {
        if (!enabled || exposed) {
            return request;
        }
        if (canWriteSnapshots(request)) {
            expose(request);
            return request;
        }
        LoginInvocation login = LoginInvocation.of(request.argv());
        if (login == null) {
            return request;
        }
        Snapshot snapshot = snapshotFor(login, request);
        if (!snapshot.usable() || !onDisk(snapshot)) {
            return request;
        }
        Map<String, String> env = new TreeMap<>(snapshot.env());
        for (String name : SHELL_OWNED) {
            env.remove(name);
            String own = request.env().get(name);
            if (own != null) {
                env.put(name, own);
            }
        }
        if (login.kind() == Kind.BASH) {
            env.put("BASH_ENV", snapshot.file().toString());
        } else {
            env.put("ZDOTDIR", snapshot.file().getParent().toString());
        }
        List<String> argv = login.kind() == Kind.BASH
                ? List.of(login.shell(), "--noprofile", "-lc", login.script())
                : List.of(login.shell(), "-c", login.script());
        return new ExecRequest(argv, request.cwd(), env, request.timeoutMs(),
                request.permissions(), request.maxOutputBytes(), request.inheritStdio(), List.of(snapshot.readable()));
    }

    /** Whether the command, as sandboxed, could write into the snapshot directory (user-approved full access aside). */
    boolean canWriteSnapshots(ExecRequest request) {
        SandboxPolicy policy = SandboxPolicy.resolve(request.permissions(), request.cwd(), request.env());
        if (policy.unrestricted()) {
            return false; // the user let it out of the sandbox: it could edit ~/.bashrc as well
        }
        if (policy.fullWrite()) {
            return true;
        }
        Path real = realBase();
        // .git/.codex directly inside any writable root stay read-only under disk-read-only-metadata-folders,
        // wherever they lie beneath a root (see SandboxedExecutor): $CODEX_HOME = ~/.codex with cwd = ~ is safe
        List<Path> readOnly = new ArrayList<>();
        for (Path root : policy.writableRoots()) {
            for (Path entry : policy.readOnlyEntries(root)) {
                if (Files.isDirectory(entry, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    readOnly.add(entry);
                }
            }
        }
        for (Path root : policy.writableRoots()) {
            if (root.startsWith(real)) {
                return true;
            }
            if (real.startsWith(root) && readOnly.stream().noneMatch(e -> real.startsWith(e) && e.startsWith(root))) {
                return true;
            }
        }
        return false;
    }

    private void expose(ExecRequest request) {
        synchronized (cache) {
            if (exposed) {
                return;
            }
            exposed = true;
            LOG.warning("shell snapshot: turned off for this session: a command may write where snapshots are kept ("
                    + base + ", under " + request.permissions() + " in " + request.cwd() + "); `bash -lc` commands run"
                    + " as full login shells from now on");
            cache.clear();
            deleteTree(dir);
            dir = null;
        }
    }

    /** The canonical form of the base directory, as far as it exists (writable roots are canonical). */
    private Path realBase() {
        Path existing = base;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return base;
        }
        try {
            return existing.toRealPath().resolve(existing.relativize(base));
        } catch (IOException e) {
            return base;
        }
    }

    Snapshot snapshotFor(LoginInvocation login, ExecRequest request) {
        Key key = new Key(login.shell(), request.env(), request.permissions(), stamps(login.kind(), request.env()));
        CompletableFuture<Snapshot> mine = new CompletableFuture<>();
        CompletableFuture<Snapshot> existing;
        synchronized (cache) {
            existing = cache.putIfAbsent(key, mine);
        }
        if (existing != null) {
            return existing.join();
        }
        Snapshot taken;
        try {
            taken = capture(login, request);
        } catch (RuntimeException | IOException e) {
            // about this command (its cwd is gone, the sandbox cannot be had) or the disk, not the profile:
            // the next command tries again
            synchronized (cache) {
                cache.remove(key, mine);
            }
            Snapshot failed = Snapshot.failed("the capture failed: " + e.getMessage());
            mine.complete(failed);
            return failed;
        }
        if (!taken.usable()) {
            LOG.warning("shell snapshot: " + taken.problem() + "; running each `" + login.shell()
                    + " -lc` command as a full login shell instead (slower). Fix the profile, or set"
                    + " `[features] shell_snapshot = false` in config.toml to turn snapshots off.");
        }
        mine.complete(taken);
        return taken;
    }

    /** The file as the snapshot has it, rewritten when it is missing or differs; false when it cannot be. */
    private boolean onDisk(Snapshot snapshot) {
        try {
            if (Arrays.equals(Files.readAllBytes(snapshot.file()), snapshot.content())) {
                return true;
            }
            LOG.warning("shell snapshot: " + snapshot.file() + " changed on disk; written again");
        } catch (IOException e) {
            // missing: written again below
        }
        try {
            write(snapshot.file(), snapshot.content());
            return !exposed;
        } catch (IOException e) {
            LOG.warning("shell snapshot: cannot write " + snapshot.file() + ": " + e.getMessage());
            return false;
        }
    }

    private Snapshot capture(LoginInvocation login, ExecRequest request) throws IOException {
        Path own = newSnapshotDir();
        String marker = "__codex_snapshot_" + UUID.randomUUID().toString().replace("-", "") + "__";
        String dump = login.kind() == Kind.BASH ? bashDump(marker) : zshDump(marker);
        // the state the non-login shell has when it reads our file: bash -c without BASH_ENV, zsh -c after
        // /etc/zshenv but without the user's .zshenv (ZDOTDIR names a folder with nothing in it)
        Map<String, String> plainEnv = new HashMap<>(request.env());
        String optionsOnly;
        List<String> baseline;
        if (login.kind() == Kind.BASH) {
            plainEnv.remove("BASH_ENV");
            optionsOnly = "set +o; shopt -p";
            baseline = List.of(login.shell(), "--noprofile", "-lc", optionsOnly);
        } else {
            plainEnv.put("ZDOTDIR", own.resolve("none").toString());
            optionsOnly = "setopt";
            baseline = List.of(login.shell(), "-c", optionsOnly);
        }
        ExecResult plain = runner.apply(captureRequest(request, baseline, plainEnv));
        if (plain.exitCode() != 0) {
            deleteTree(own);
            return Snapshot.failed("`" + String.join(" ", baseline) + "` exits " + plain.exitCode() + ": "
                    + plain.stderr().strip());
        }
        ExecResult r = runner.apply(captureRequest(request, List.of(login.shell(), "-lc", dump), request.env()));
        // what the profile itself printed comes before the first marker; the snapshot prints it again
        int begin = r.stdout().indexOf(marker + "\n");
        String problem = problem(r, begin);
        String printed = problem != null ? "" : r.stdout().substring(0, begin);
        List<String> sections = problem != null ? List.of()
                : splitSections(r.stdout().substring(begin + marker.length() + 1), marker);
        if (problem == null && (sections.size() != 3 || !sections.get(2).isEmpty())) {
            problem = "the login shell printed something after the snapshot (an EXIT trap?)";
        }
        if (problem == null && !r.stderr().isEmpty() && sections.get(0).lines().anyMatch(EXIT_TRAP.asPredicate())) {
            // its stderr may be the trap's, printed at the end: replaying it first would misplace it
            problem = "the login profile writes to stderr and sets an EXIT trap";
        }
        if (problem != null) {
            deleteTree(own);
            return Snapshot.failed(problem);
        }
        Map<String, String> env = parseEnv(sections.get(1));
        String text;
        Path file;
        if (login.kind() == Kind.BASH) {
            text = bashFile(sections.get(0), plain.stdout(), env.get("BASH_ENV"));
            file = own.resolve("snapshot.bash");
        } else {
            text = zshFile(sections.get(0), plain.stdout(), env);
            file = own.resolve(".zshenv");
        }
        int header = text.indexOf('\n') + 1;
        text = text.substring(0, header) + replaying(printed, r.stderr()) + text.substring(header);
        byte[] content = text.getBytes(StandardCharsets.UTF_8);
        write(file, content);
        return new Snapshot(login.kind(), env, file, content, null);
    }

    /** @param begin where the dump's first marker line starts in its stdout, -1 when it is not there */
    private String problem(ExecResult r, int begin) {
        if (r.timedOut()) {
            return "the login profile took more than " + captureTimeoutMs + " ms";
        }
        if (r.exitCode() != 0) {
            return "the login shell exited " + r.exitCode() + (r.stderr().isBlank() ? "" : ": " + r.stderr().strip());
        }
        if (r.droppedBytes() > 0) {
            return "the login shell's state is larger than " + CAPTURE_MAX_OUTPUT + " bytes";
        }
        if (begin < 0) {
            return "the login shell did not run the snapshot script (does the profile exit?)";
        }
        if (begin > MAX_PRINTED || r.stderr().length() > MAX_PRINTED) {
            return "the login profile prints more than " + MAX_PRINTED + " characters";
        }
        return null;
    }

    /**
     * The start of a snapshot file for a profile that prints (a warning on stderr, a greeting): the same
     * text on the same streams, before the script, as the login shell would print it for every command.
     * {@code builtin}: the profile's own functions are not defined yet, but an exported one could be.
     */
    static String replaying(String stdout, String stderr) {
        StringBuilder replay = new StringBuilder();
        if (!stdout.isEmpty()) {
            replay.append("builtin printf '%s' ").append(singleQuoted(stdout)).append('\n');
        }
        if (!stderr.isEmpty()) {
            replay.append("builtin printf '%s' ").append(singleQuoted(stderr)).append(" >&2\n");
        }
        return replay.toString();
    }

    private ExecRequest captureRequest(ExecRequest request, List<String> argv, Map<String, String> env) {
        return new ExecRequest(argv, request.cwd(), env, captureTimeoutMs, request.permissions(),
                CAPTURE_MAX_OUTPUT, false);
    }

    /** A fresh folder for one snapshot inside this service's own directory (made on first use). */
    private Path newSnapshotDir() throws IOException {
        Path mine;
        synchronized (cache) {
            if (dir == null) {
                Files.createDirectories(base);
                removeLeftovers(base);
                dir = Files.createDirectory(base.resolve(ProcessHandle.current().pid() + "-"
                        + UUID.randomUUID().toString().substring(0, 8)), PosixFilePermissions.asFileAttribute(
                        PosixFilePermissions.fromString("rwx------")));
            }
            mine = dir;
        }
        return Files.createDirectory(mine.resolve(UUID.randomUUID().toString().substring(0, 13)),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }

    /** Folders of services that are no longer running (named PID-...). */
    private static void removeLeftovers(Path base) {
        try (Stream<Path> entries = Files.list(base)) {
            entries.forEach(p -> {
                String name = p.getFileName().toString();
                int dash = name.indexOf('-');
                if (dash <= 0) {
                    return;
                }
                try {
                    long pid = Long.parseLong(name.substring(0, dash));
                    if (ProcessHandle.of(pid).isEmpty()) {
                        deleteTree(p);
                    }
                } catch (NumberFormatException e) {
                    // not ours
                }
            });
        } catch (IOException e) {
            // nothing to clean
        }
    }

    private static void write(Path file, byte[] content) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + "." + UUID.randomUUID().toString().substring(0, 8) + ".tmp");
        Files.write(tmp, content, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private static void deleteFiles(Snapshot snapshot) {
        if (snapshot.usable()) {
            deleteTree(snapshot.file().getParent());
        }
    }

    static void deleteTree(Path root) {
        if (root == null) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // best effort
                }
            });
        } catch (IOException e) {
            // gone already
        }
    }

    /** The directory this service keeps its snapshots in (null before the first capture). */
    Path directory() {
        synchronized (cache) {
            return dir;
        }
    }

    /** Deletes this service's snapshot directory. */
    @Override
    public void close() {
        synchronized (cache) {
            cache.clear();
            deleteTree(dir);
            dir = null;
        }
    }

    /** Sections end with "\n" + marker + "\n"; the environment section is NUL-separated. */
    private static List<String> splitSections(String body, String marker) {
        List<String> parts = new ArrayList<>();
        String sep = "\n" + marker + "\n";
        int from = 0;
        int at;
        while ((at = body.indexOf(sep, from)) >= 0) {
            parts.add(body.substring(from, at));
            from = at + sep.length();
        }
        parts.add(body.substring(from));
        return parts;
    }

    private static Map<String, String> parseEnv(String nulSeparated) {
        Map<String, String> env = new TreeMap<>();
        for (String entry : nulSeparated.split("\0")) {
            int eq = entry.indexOf('=');
            if (eq > 0) {
                env.put(entry.substring(0, eq), entry.substring(eq + 1));
            }
        }
        return env;
    }

    // The dump runs after the profile: state first (options, traps, umask, functions, aliases), then the
    // environment as `env -0` prints it (env is a child: it sees exactly what a child would get).
    private static String bashDump(String m) {
        return "printf '%s\\n' " + m + "; set +o; shopt -p; trap -p; printf 'umask %s\\n' \"$(umask)\"; "
                + "declare -f; alias -p; printf '\\n%s\\n' " + m + "; env -0; printf '\\n%s\\n' " + m;
    }

    private static String zshDump(String m) {
        return "printf '%s\\n' " + m + "; print -r -- '#options'; setopt; print -r -- '#state'; trap; "
                + "printf 'umask %s\\n' \"$(umask)\"; functions; alias -L; printf '\\n%s\\n' " + m
                + "; env -0; printf '\\n%s\\n' " + m;
    }

    /**
     * The BASH_ENV file: functions, aliases, traps and umask as printed, then BASH_ENV put back as the login
     * shell had it, then the options that differ from a plain {@code bash --noprofile -lc} (last, so that a
     * {@code set -u} or {@code set -e} from the profile cannot trip over the file itself).
     */
    static String bashFile(String state, String plainOptions, String loginBashEnv) {
        Set<String> plain = new LinkedHashSet<>(plainOptions.lines().toList());
        StringBuilder body = new StringBuilder("# codex shell snapshot: what `bash -l` set up; read through BASH_ENV\n");
        StringBuilder options = new StringBuilder();
        for (String line : state.lines().toList()) {
            boolean option = line.startsWith("set -o ") || line.startsWith("set +o ") || line.startsWith("shopt -");
            if (!option) {
                body.append(line).append('\n');
            } else if (!plain.contains(line) && !line.endsWith(" login_shell")) {
                options.append(line).append('\n');
            }
        }
        body.append(loginBashEnv == null ? "unset BASH_ENV\n" : "BASH_ENV=" + singleQuoted(loginBashEnv) + "\n");
        return body.append(options).toString();
    }

    /**
     * The .zshenv: functions, aliases, traps and umask as printed; the exported variables that differ again
     * (/etc/zshenv runs before this file and may have changed PATH); ZDOTDIR as the login shell had it; then the options
     * that differ from a plain {@code zsh -c} ({@code setopt} lists those that differ from zsh's defaults).
     */
    static String zshFile(String state, String plainOptions, Map<String, String> env) {
        int split = state.indexOf("#state\n");
        String options = state.substring(state.indexOf("#options\n") + "#options\n".length(), split);
        String rest = state.substring(split + "#state\n".length());
        StringBuilder file = new StringBuilder("# codex shell snapshot: what `zsh -l` set up; read as $ZDOTDIR/.zshenv\n");
        file.append(rest);
        if (!rest.isEmpty() && !rest.endsWith("\n")) {
            file.append('\n');
        }
        env.forEach((name, value) -> {
            if (IDENTIFIER.matcher(name).matches() && !SHELL_OWNED.contains(name) && !name.equals("ZDOTDIR")) {
                // only when it differs: assigning some of zsh's special parameters (USERNAME, UID) acts
                String v = singleQuoted(value);
                file.append("[[ ${").append(name).append("+set} == set && $").append(name).append(" == ").append(v)
                        .append(" ]] || export ").append(name).append('=').append(v).append('\n');
            }
        });
        String zdotdir = env.get("ZDOTDIR");
        file.append(zdotdir == null ? "unset ZDOTDIR\n" : "export ZDOTDIR=" + singleQuoted(zdotdir) + "\n");
        Set<String> login = new LinkedHashSet<>(options.lines().map(String::strip).filter(o -> !o.isEmpty()).toList());
        Set<String> plain = new LinkedHashSet<>(plainOptions.lines().map(String::strip).filter(o -> !o.isEmpty()).toList());
        // not "login": set during .zshenv it makes zsh read .zprofile and .zlogin right after it
        for (String o : login) {
            if (!plain.contains(o) && !o.equals("login")) {
                file.append("setopt ").append(o).append('\n');
            }
        }
        for (String o : plain) {
            if (!login.contains(o) && !o.equals("login")) {
                file.append("unsetopt ").append(o).append('\n');
            }
        }
        return file.toString();
    }

    static String singleQuoted(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    /** Files a login shell of this kind reads, each as "path size mtime" (or "path -" when absent). */
    static List<String> stamps(Kind kind, Map<String, String> env) {
        String home = env.getOrDefault("HOME", System.getProperty("user.home"));
        List<Path> files = new ArrayList<>();
        if (kind == Kind.BASH) {
            for (String f : List.of("/etc/profile", "/etc/bash.bashrc", "/etc/bashrc")) {
                files.add(Path.of(f));
            }
            addDirectory(files, Path.of("/etc/profile.d"));
            for (String f : List.of(".bash_profile", ".bash_login", ".profile", ".bashrc", ".bash_aliases")) {
                files.add(Path.of(home, f));
            }
        } else {
            for (String f : List.of("/etc/zshenv", "/etc/zprofile", "/etc/zshrc", "/etc/zlogin", "/etc/zsh/zshenv",
                    "/etc/zsh/zprofile", "/etc/zsh/zshrc", "/etc/zsh/zlogin")) {
                files.add(Path.of(f));
            }
            String zdot = env.getOrDefault("ZDOTDIR", home);
            for (String f : List.of(".zshenv", ".zprofile", ".zlogin", ".profile")) {
                files.add(Path.of(zdot, f));
            }
        }
        List<String> stamps = new ArrayList<>(files.size());
        for (Path f : files) {
            try {
                BasicFileAttributes a = Files.readAttributes(f, BasicFileAttributes.class);
                stamps.add(f + " " + a.size() + " " + a.lastModifiedTime().toMillis() + " "
                        + a.lastModifiedTime().toInstant().getNano());
            } catch (java.io.IOException e) {
                stamps.add(f + " -");
            }
        }
        return stamps;
    }

    private static void addDirectory(List<Path> files, Path dir) {
        files.add(dir);
        try (Stream<Path> entries = Files.list(dir)) {
            entries.sorted().forEach(files::add);
        } catch (java.io.IOException e) {
            // absent or unreadable: its stamp says so
        }
    }
}

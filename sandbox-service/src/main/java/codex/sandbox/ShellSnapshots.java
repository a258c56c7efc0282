package codex.sandbox;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
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
import java.util.stream.Stream;

/**
 * The shell snapshot: {@code bash -lc SCRIPT} sources the user's whole login profile on every command
 * (~100 ms with a real profile, against ~2 ms for {@code bash -c}). Instead, the first login command
 * of a session runs the login shell once, in the sandbox, and records what the profile set up: the
 * environment and, for bash and zsh, functions, aliases, options, traps and umask. Each later
 * {@code bash -lc SCRIPT} / {@code zsh -lc SCRIPT} then runs as {@code bash -c PRELUDE SCRIPT} with
 * the recorded environment, the prelude recreating the rest.
 *
 * <p>A snapshot is keyed by shell, environment and the profile files' stamps (path, size, mtime), so
 * editing {@code ~/.bashrc} makes the next command take a fresh one. When the profile misbehaves
 * during the capture (non-zero exit, output of its own, a timeout, missing tools), commands run as the
 * plain login shell, as without a snapshot, and a note is logged once. The snapshot lives in memory
 * only: it is never written to disk. It is taken with the already-filtered environment, so a secret
 * our environment had stays out of it; what the profile exports itself the command sees, as it would
 * under the login shell.
 *
 * <p>Known differences from a login shell: {@code shopt login_shell} is off, {@code $0} is the shell,
 * non-exported shell variables the profile sets are not carried over, and a {@code cd} in the profile
 * is not repeated.
 */
public final class ShellSnapshots {
    private static final Logger LOG = Logger.getLogger(ShellSnapshots.class.getName());
    /** The environment variable that turns snapshots off ({@code 0}, {@code false}, {@code off}, {@code no}). */
    public static final String SWITCH_VARIABLE = "CODEX_SHELL_SNAPSHOT";
    /** A login shell that takes longer than this to start is not snapshotted. */
    static final long CAPTURE_TIMEOUT_MS = 10_000;
    private static final int CAPTURE_MAX_OUTPUT = 4 << 20;
    /** The rewritten script is one argv entry: Linux caps one at 128 KiB (MAX_ARG_STRLEN). */
    static final int MAX_SCRIPT_BYTES = 120_000;
    private static final int MAX_CACHED = 64;
    /** Set by the shell itself or per process: taken from the command's environment, not the snapshot. */
    private static final Set<String> SHELL_OWNED = Set.of("_", "PWD", "OLDPWD", "SHLVL");

    private final Function<ExecRequest, ExecResult> runner;
    private final boolean enabled;
    private final Map<Key, CompletableFuture<Snapshot>> cache = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, CompletableFuture<Snapshot>> eldest) {
            return size() > MAX_CACHED;
        }
    };

    /**
     * @param runner  runs a command to completion (the sandbox executor: the capture is sandboxed like the command)
     * @param enabled false turns every rewrite off
     */
    public ShellSnapshots(Function<ExecRequest, ExecResult> runner, boolean enabled) {
        this.runner = Objects.requireNonNull(runner, "runner");
        this.enabled = enabled;
    }

    /** Whether the switch in {@code env} leaves snapshots on (they are on unless turned off). */
    public static boolean enabledBy(Map<String, String> env) {
        String v = env.get(SWITCH_VARIABLE);
        if (v == null) {
            return true;
        }
        return !Set.of("0", "false", "off", "no").contains(v.trim().toLowerCase(java.util.Locale.ROOT));
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

    private record Key(String shell, Map<String, String> env, List<String> stamps) { }

    /** What a capture produced: the login environment and the prelude, or why there is none. */
    record Snapshot(Map<String, String> env, String prelude, String problem) {
        boolean usable() {
            return problem == null;
        }
    }

    /**
     * The request to run instead: the snapshot applied when it is a login-shell command and a snapshot
     * can be had, the request itself otherwise. Blocking (the first call per key runs the login shell).
     */
    public ExecRequest prepare(ExecRequest request) {
        if (!enabled) {
            return request;
        }
        LoginInvocation login = LoginInvocation.of(request.argv());
        if (login == null) {
            return request;
        }
        Snapshot snapshot = snapshotFor(login, request);
        if (!snapshot.usable()) {
            return request;
        }
        // zsh parses the whole -c string before running any of it, so aliases the prelude defines would
        // not apply to the script; eval parses the script after the prelude ran. Only then, since eval
        // changes how errors are labelled.
        String script = login.kind() == Kind.ZSH && snapshot.prelude().lines().anyMatch(l -> l.startsWith("alias "))
                ? snapshot.prelude() + "\neval " + singleQuoted(login.script())
                : snapshot.prelude() + "\n" + login.script();
        if (script.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_SCRIPT_BYTES) {
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
        return new ExecRequest(List.of(login.shell(), "-c", script), request.cwd(), env, request.timeoutMs(),
                request.permissions(), request.maxOutputBytes(), request.inheritStdio());
    }

    static String singleQuoted(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    Snapshot snapshotFor(LoginInvocation login, ExecRequest request) {
        Key key = new Key(login.shell(), request.env(), stamps(login.kind(), request.env()));
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
        } catch (RuntimeException e) {
            taken = new Snapshot(Map.of(), "", "the capture failed: " + e.getMessage());
        }
        if (!taken.usable()) {
            LOG.warning("shell snapshot: " + taken.problem() + "; running each `" + login.shell()
                    + " -lc` command as a full login shell instead (slower). Fix the profile, or set "
                    + SWITCH_VARIABLE + "=0 to turn snapshots off.");
        }
        mine.complete(taken);
        return taken;
    }

    private Snapshot capture(LoginInvocation login, ExecRequest request) {
        String marker = "__codex_snapshot_" + UUID.randomUUID().toString().replace("-", "") + "__";
        String dump = login.kind() == Kind.BASH ? bashDump(marker) : zshDump(marker);
        String optionsOnly = login.kind() == Kind.BASH ? "set +o; shopt -p" : "setopt";
        ExecResult plain = runner.apply(captureRequest(request, List.of(login.shell(), "-c", optionsOnly)));
        if (plain.exitCode() != 0) {
            return new Snapshot(Map.of(), "", "`" + login.shell() + " -c` exits " + plain.exitCode()
                    + ": " + plain.stderr().strip());
        }
        ExecResult r = runner.apply(captureRequest(request, List.of(login.shell(), "-lc", dump)));
        if (r.timedOut()) {
            return new Snapshot(Map.of(), "", "the login profile took more than " + CAPTURE_TIMEOUT_MS + " ms");
        }
        if (r.exitCode() != 0) {
            return new Snapshot(Map.of(), "", "the login shell exited " + r.exitCode()
                    + (r.stderr().isBlank() ? "" : ": " + r.stderr().strip()));
        }
        if (!r.stderr().isEmpty()) {
            return new Snapshot(Map.of(), "", "the login profile writes to stderr: " + r.stderr().strip());
        }
        if (r.droppedBytes() > 0) {
            return new Snapshot(Map.of(), "", "the login shell's state is larger than " + CAPTURE_MAX_OUTPUT + " bytes");
        }
        String out = r.stdout();
        String begin = marker + "\n";
        if (!out.startsWith(begin)) {
            return new Snapshot(Map.of(), "", out.contains(begin)
                    ? "the login profile prints output of its own"
                    : "the login shell did not run the snapshot script (does the profile exit?)");
        }
        List<String> sections = splitSections(out.substring(begin.length()), marker);
        if (sections.size() != 3 || !sections.get(2).isEmpty()) {
            return new Snapshot(Map.of(), "", "the login shell printed something after the snapshot (an EXIT trap?)");
        }
        Map<String, String> env = parseEnv(sections.get(1));
        String prelude = login.kind() == Kind.BASH
                ? bashPrelude(sections.get(0), plain.stdout())
                : zshPrelude(sections.get(0), plain.stdout());
        return new Snapshot(env, prelude, null);
    }

    private static ExecRequest captureRequest(ExecRequest request, List<String> argv) {
        return new ExecRequest(argv, request.cwd(), request.env(), CAPTURE_TIMEOUT_MS, request.permissions(),
                CAPTURE_MAX_OUTPUT, false);
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
     * Options the profile changed (the lines that differ from a plain {@code bash -c}), then the rest as
     * printed. {@code login_shell} is read-only and stays off.
     */
    static String bashPrelude(String state, String plainOptions) {
        Set<String> plain = new LinkedHashSet<>(plainOptions.lines().toList());
        StringBuilder prelude = new StringBuilder();
        for (String line : state.lines().toList()) {
            boolean option = line.startsWith("set -o ") || line.startsWith("set +o ") || line.startsWith("shopt -");
            if (option && (plain.contains(line) || line.endsWith(" login_shell"))) {
                continue;
            }
            prelude.append(line).append('\n');
        }
        return prelude.toString();
    }

    /** zsh: {@code setopt} lists the options that differ from zsh's defaults; diff against plain {@code zsh -c}. */
    static String zshPrelude(String state, String plainOptions) {
        int split = state.indexOf("#state\n");
        String options = state.substring(state.indexOf("#options\n") + "#options\n".length(), split);
        String rest = state.substring(split + "#state\n".length());
        Set<String> login = new LinkedHashSet<>(options.lines().map(String::strip).filter(s -> !s.isEmpty()).toList());
        Set<String> plain = new LinkedHashSet<>(plainOptions.lines().map(String::strip).filter(s -> !s.isEmpty()).toList());
        StringBuilder prelude = new StringBuilder();
        for (String o : login) {
            if (!plain.contains(o) && !o.equals("login")) {
                prelude.append("setopt ").append(o).append('\n');
            }
        }
        for (String o : plain) {
            if (!login.contains(o) && !o.equals("login")) {
                prelude.append("unsetopt ").append(o).append('\n');
            }
        }
        return prelude.append(rest).toString();
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

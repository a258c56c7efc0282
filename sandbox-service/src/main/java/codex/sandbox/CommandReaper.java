package codex.sandbox;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.logging.Logger;

/**
 * Makes commands die with the sandbox process, however it dies (kill -9 included): one small
 * watcher process per JVM, {@code /bin/sh} reading lines on a pipe whose only write end this JVM
 * holds. The JVM tells it each command's process group ({@code +PGID}, {@code -PGID} once the
 * group is empty) and the service's cgroup folders ({@code C DIR} / {@code c DIR}). When the JVM
 * ends, the kernel closes the pipe; the watcher reads end of file, SIGKILLs every process group
 * still registered and every process in the registered cgroups (rounds until they are empty),
 * and exits. It ignores the terminal's signals (HUP, INT, QUIT, TERM, TSTP): only end of file
 * ends it.
 *
 * <p>Why not {@code PR_SET_PDEATHSIG}: it has to be set by the child between fork and exec, and
 * posix_spawn (which the restricted spawning thread must use) runs no code of ours there; it fires
 * when the parent <em>thread</em> ends, and the spawning threads are short-lived; and it is
 * cleared on fork, so a command's own children (a background {@code sleep &}) would survive it
 * anyway. A process group covers those children; the cgroups (cgroup v1, as root) also cover the
 * ones that left the group with setsid. Without cgroups a setsid escaper survives the JVM's death
 * (as it survives a timeout kill on Landlock ABI &lt; 6): README, "Known limits". A group is only
 * unregistered once empty, so its id is never a live group of someone else while registered (the
 * kernel does not reuse a pid while a process group of that id exists); the remaining gap (a
 * group that empties and whose id is reused before the next sweep, then the JVM dies) is
 * microseconds wide and needs the pid counter to wrap.
 */
final class CommandReaper {
    private static final Logger LOG = Logger.getLogger(CommandReaper.class.getName());

    /** dash/bash/busybox sh: only builtins in the loop (no fork per line). */
    static final String SCRIPT = String.join("\n",
            "trap '' HUP INT QUIT TERM TSTP PIPE",
            "groups=' '; dirs=' '",
            "while IFS= read -r line; do",
            "  case \"$line\" in",
            "    +*) groups=\"$groups${line#+} \" ;;",
            "    -*) g=\"${line#-}\"; case \"$groups\" in *\" $g \"*) groups=\"${groups%% $g *} ${groups#* $g }\" ;; esac ;;",
            "    'C '*) dirs=\"$dirs${line#C } \" ;;",
            "    'c '*) d=\"${line#c }\"; case \"$dirs\" in *\" $d \"*) dirs=\"${dirs%% $d *} ${dirs#* $d }\" ;; esac ;;",
            "  esac",
            "done",
            // end of file: the JVM is gone (or closed us on purpose); $1 is its pid, never killed
            "for g in $groups; do kill -s KILL -- \"-$g\" 2>/dev/null; done",
            "round=0",
            "while [ $round -lt 100 ]; do",
            "  left=0",
            "  for d in $dirs; do for f in \"$d\"/*/cgroup.procs; do",
            "    [ -r \"$f\" ] || continue",
            "    while IFS= read -r p; do [ \"$p\" = \"$1\" ] && continue; left=1; kill -s KILL \"$p\" 2>/dev/null; done < \"$f\"",
            "  done; done",
            "  [ $left = 0 ] && break",
            "  round=$((round + 1)); sleep 0.02 2>/dev/null || sleep 1",
            "done",
            "");

    private static final CommandReaper INSTANCE = new CommandReaper();

    /** What is registered now: told again to a watcher started after the previous one died. */
    private final Set<Integer> groups = new LinkedHashSet<>();
    private final Set<Path> dirs = new LinkedHashSet<>();
    private Process watcher;
    private OutputStream pipe;
    private boolean warned;

    static CommandReaper get() {
        return INSTANCE;
    }

    synchronized void addGroup(int pgid) {
        if (groups.add(pgid)) {
            tell("+" + pgid);
        }
    }

    synchronized void removeGroup(int pgid) {
        if (groups.remove(pgid)) {
            tell("-" + pgid);
        }
    }

    /** A folder without blanks in its path (the watcher splits on them); others are not registered. */
    synchronized void addCgroupParent(Path dir) {
        if (!dir.toString().matches("\\S+")) {
            return;
        }
        if (dirs.add(dir)) {
            tell("C " + dir);
        }
    }

    synchronized void removeCgroupParent(Path dir) {
        if (dirs.remove(dir)) {
            tell("c " + dir);
        }
    }

    /** The watcher's pid (tests), starting it if needed; -1 when it cannot run. */
    synchronized long watcherPid() {
        return ensureWatcher() ? watcher.pid() : -1;
    }

    private void tell(String line) {
        for (int attempt = 0; attempt < 2; attempt++) {
            boolean fresh = watcher == null || !watcher.isAlive();
            if (!ensureWatcher()) {
                return;
            }
            try {
                if (fresh) {
                    // a new watcher knows nothing yet: everything registered, this line included
                    StringBuilder all = new StringBuilder();
                    groups.forEach(g -> all.append('+').append(g).append('\n'));
                    dirs.forEach(d -> all.append("C ").append(d).append('\n'));
                    pipe.write(all.toString().getBytes(StandardCharsets.UTF_8));
                } else {
                    pipe.write((line + "\n").getBytes(StandardCharsets.UTF_8));
                }
                pipe.flush();
                return;
            } catch (IOException e) {
                watcher.destroyForcibly();
                watcher = null;
            }
        }
    }

    private boolean ensureWatcher() {
        if (watcher != null && watcher.isAlive()) {
            return true;
        }
        try {
            watcher = new ProcessBuilder("/bin/sh", "-c", SCRIPT, "codex-sandbox-reaper",
                    Long.toString(ProcessHandle.current().pid()))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            pipe = watcher.getOutputStream();
            return true;
        } catch (IOException | RuntimeException e) {
            watcher = null;
            if (!warned) {
                warned = true;
                LOG.warning("cannot start the command reaper (/bin/sh): commands may outlive this process if it is"
                        + " killed: " + e.getMessage());
            }
            return false;
        }
    }
}

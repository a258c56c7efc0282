package codex.sandbox;

/**
 * Per-command resource limits: how many processes (threads count, as the kernel counts them) and
 * how much memory one command with all its children may use. Zero means no limit of that kind.
 *
 * <p>The defaults keep a machine usable when a command runs away (a fork bomb, a leak) while
 * leaving room for real builds: 1024 processes and a quarter of the machine's memory, at least
 * 1 GiB and at most 16 GiB.
 */
public record CommandLimits(int maxProcesses, long maxMemoryBytes) {
    public static final int DEFAULT_MAX_PROCESSES = 1024;
    static final long MIB = 1024L * 1024;

    public CommandLimits {
        if (maxProcesses < 0) {
            throw new IllegalArgumentException("max_processes must be 0 (no limit) or more, not " + maxProcesses);
        }
        if (maxMemoryBytes < 0) {
            throw new IllegalArgumentException("max_memory_mb must be 0 (no limit) or more, not " + maxMemoryBytes / MIB);
        }
        if (maxProcesses > 0 && maxProcesses < 8) {
            throw new IllegalArgumentException("max_processes = " + maxProcesses
                    + " leaves no room for a shell and its pipeline: use 8 or more, or 0 for no limit");
        }
        if (maxMemoryBytes > 0 && maxMemoryBytes < 32 * MIB) {
            throw new IllegalArgumentException("max_memory_mb = " + maxMemoryBytes / MIB
                    + " is too small to start a shell: use 32 or more, or 0 for no limit");
        }
    }

    public static final CommandLimits NONE = new CommandLimits(0, 0);

    public static CommandLimits defaults() {
        return new CommandLimits(DEFAULT_MAX_PROCESSES, defaultMemoryBytes(physicalMemoryBytes()));
    }

    static long defaultMemoryBytes(long physical) {
        long quarter = physical <= 0 ? 4096 * MIB : physical / 4;
        return Math.max(1024 * MIB, Math.min(16 * 1024 * MIB, quarter));
    }

    /** The [sandbox] keys: {@code max_processes}, {@code max_memory_mb}; null means the default. */
    public static CommandLimits of(Integer maxProcesses, Long maxMemoryMb) {
        CommandLimits d = defaults();
        return new CommandLimits(maxProcesses == null ? d.maxProcesses : maxProcesses,
                maxMemoryMb == null ? d.maxMemoryBytes : maxMemoryMb * MIB);
    }

    public boolean any() {
        return maxProcesses > 0 || maxMemoryBytes > 0;
    }

    String describe() {
        return (maxProcesses > 0 ? maxProcesses + " processes" : "no process limit") + ", "
                + (maxMemoryBytes > 0 ? maxMemoryBytes / MIB + " MiB of memory" : "no memory limit");
    }

    private static long physicalMemoryBytes() {
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (java.io.IOException | NumberFormatException e) {
            // fall through to the fixed default
        }
        return 0;
    }
}

package codex.sandbox;

import codex.protocol.SandboxMessages.ExecFinished;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The commands this sandbox runs or recently finished, by session and call id, so that an agent
 * that took a session over attaches to a command instead of running it again. A running command
 * stays until it ends; a finished one keeps its result (its whole output) for {@code keepMs}, and
 * the finished ones together hold at most {@code maxKeptChars} of output (oldest forgotten
 * first). Plain Java; the caller serialises access (the verticle's event loop).
 */
final class CommandJournal {
    static final long DEFAULT_KEEP_MS = 10 * 60_000;
    static final long DEFAULT_MAX_KEPT_CHARS = 32L * 1024 * 1024;

    record Key(String sessionId, String callId) {
        Key {
            Objects.requireNonNull(sessionId);
            Objects.requireNonNull(callId);
        }
    }

    /** What an attach finds. */
    sealed interface Found permits Unknown, Finished, Running { }

    record Unknown() implements Found { }

    record Finished(ExecFinished result) implements Found { }

    /** Still running: {@code execId} is the command's own id (for its output and cancel). */
    record Running(String execId) implements Found { }

    private static final class Entry {
        final String execId;
        ExecFinished result;
        long finishedAt;
        final List<Consumer<ExecFinished>> waiting = new ArrayList<>();

        Entry(String execId) {
            this.execId = execId;
        }

        long size() {
            return result == null ? 0 : length(result.stdout()) + length(result.stderr());
        }
    }

    private final long keepMs;
    private final long maxKeptChars;
    private final Map<Key, Entry> entries = new java.util.HashMap<>();
    /**
     * Finished entries in finishing order, oldest first: they are forgotten from the front. (Scanning
     * every entry at each start and end made a busy sandbox quadratic: 5000 commands in ten minutes
     * took a tenth of codex serve's CPU at 500 sessions.) A pair whose entry was replaced is skipped.
     */
    private final java.util.ArrayDeque<Map.Entry<Key, Entry>> finishedOrder = new java.util.ArrayDeque<>();
    private long keptChars;

    CommandJournal() {
        this(DEFAULT_KEEP_MS, DEFAULT_MAX_KEPT_CHARS);
    }

    CommandJournal(long keepMs, long maxKeptChars) {
        this.keepMs = keepMs;
        this.maxKeptChars = maxKeptChars;
    }

    /** A command of that call started here. */
    void started(Key key, String execId, long nowMs) {
        forgetOld(nowMs);
        Entry previous = entries.remove(key);
        if (previous != null) {
            keptChars -= previous.size();
        }
        entries.put(key, new Entry(execId));
    }

    /** It ended: the result is kept; those waiting get it. */
    void finished(Key key, ExecFinished result, long nowMs) {
        Entry e = entries.get(key);
        if (e == null || e.result != null) {
            return;
        }
        e.result = result;
        e.finishedAt = nowMs;
        keptChars += e.size();
        finishedOrder.addLast(Map.entry(key, e));
        List<Consumer<ExecFinished>> waiting = List.copyOf(e.waiting);
        e.waiting.clear();
        waiting.forEach(w -> w.accept(result));
        forgetOld(nowMs);
    }

    /** What is known of that call; when it is running, {@code whenDone} gets its result later. */
    Found attach(Key key, Consumer<ExecFinished> whenDone, long nowMs) {
        forgetOld(nowMs);
        Entry e = entries.get(key);
        if (e == null) {
            return new Unknown();
        }
        if (e.result != null) {
            return new Finished(e.result);
        }
        e.waiting.add(whenDone);
        return new Running(e.execId);
    }

    int size() {
        return entries.size();
    }

    private void forgetOld(long nowMs) {
        while (!finishedOrder.isEmpty()) {
            Map.Entry<Key, Entry> oldest = finishedOrder.peekFirst();
            Entry e = oldest.getValue();
            if (entries.get(oldest.getKey()) != e) {
                finishedOrder.pollFirst(); // started again since: already uncounted
                continue;
            }
            if (nowMs - e.finishedAt < keepMs && keptChars <= maxKeptChars) {
                return;
            }
            finishedOrder.pollFirst();
            entries.remove(oldest.getKey());
            keptChars -= e.size();
        }
    }

    private static long length(String s) {
        return s == null ? 0 : s.length();
    }
}

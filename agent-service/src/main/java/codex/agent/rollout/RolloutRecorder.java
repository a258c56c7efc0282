package codex.agent.rollout;

import codex.protocol.Event;
import codex.protocol.Json;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Appends one session's records to its rollout file, one JSON object per line.
 *
 * <p>Safe to call from an event loop: {@code append*} only encodes the record and queues it;
 * a small pool of daemon threads shared by every recorder of the JVM ({@value #WRITER_THREADS},
 * named {@code rollout-writer-N}) opens the file, writes and syncs, one batch of one recorder at a
 * time, so a recorder's records stay in order and hundreds of sessions do not hold a thread each. {@link #flush()}
 * returns a future that completes once every record appended before it is in the file
 * (and forced to the device when {@link Options#fsyncOnFlush()} is set). Nothing here throws
 * because the disk failed: the first failure is reported once through {@link Options#onError()},
 * later records are dropped, pending and later {@code flush()} futures fail with a
 * {@link RolloutWriteException}, and the session carries on.
 *
 * <p>Each record is written with its newline in the same write, so a crash leaves at most one
 * unterminated last line, which {@link RolloutReader} ignores and {@link #resume} cuts off.
 */
public final class RolloutRecorder implements AutoCloseable {

    /**
     * @param fsyncOnFlush whether flush() also forces the data to the device (survives power loss,
     *                     costs a disk sync per flush); without it a flushed record survives a crash of the process only
     * @param onError      told once, on the writer thread, when recording stops working (message says what and where)
     */
    public record Options(boolean fsyncOnFlush, Consumer<String> onError) {
        public Options {
            Objects.requireNonNull(onError, "onError");
        }

        public static Options defaults(Consumer<String> onError) {
            return new Options(true, onError);
        }
    }

    private sealed interface Op permits Line, EventLine, Flush, Close { }

    private record Line(byte[] bytes) implements Op { }

    /** An event to encode on the writer thread, with the fence of the moment it was appended. */
    private record EventLine(Event event, long fence) implements Op { }

    private record Flush(CompletableFuture<Void> done) implements Op { }

    private record Close(CompletableFuture<Void> done) implements Op { }

    private static final int MAX_BATCH_OPS = 4096;
    /** Threads shared by all recorders: syncs of different files overlap, one recorder's ops never do. */
    static final int WRITER_THREADS = 4;
    private static final java.util.concurrent.ThreadPoolExecutor WRITERS = writers();

    private static java.util.concurrent.ThreadPoolExecutor writers() {
        java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.ThreadPoolExecutor pool = new java.util.concurrent.ThreadPoolExecutor(WRITER_THREADS,
                WRITER_THREADS, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "rollout-writer-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        pool.allowCoreThreadTimeOut(true); // no thread stays behind while no session records anything
        return pool;
    }

    private final Path file;
    private final String sessionId;
    private final boolean resume;
    private final Options options;
    private final java.util.concurrent.ConcurrentLinkedQueue<Op> queue = new java.util.concurrent.ConcurrentLinkedQueue<>();
    /** Set while a drain of this recorder is queued on or running in the pool (at most one at a time). */
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final AtomicBoolean closing = new AtomicBoolean();
    private final AtomicBoolean errorReported = new AtomicBoolean();
    private final CompletableFuture<Void> closed = new CompletableFuture<>();
    /** Writer-side state, touched only by the one drain running at a time (the pool's hand-off orders them). */
    private FileChannel channel;
    private boolean opened;
    private boolean unsynced;
    private final Object gate = new Object();
    private boolean writerExited; // guarded by gate: once set, nothing more is queued
    private volatile String failure;
    private final java.util.concurrent.atomic.AtomicLong droppedRecords = new java.util.concurrent.atomic.AtomicLong();

    private RolloutRecorder(Path file, String sessionId, boolean resume, Options options) {
        this.file = file;
        this.sessionId = sessionId;
        this.resume = resume;
        this.options = options;
    }

    /**
     * Starts recording a new session into {@link RolloutFiles#pathFor} under {@code codexHome}. The
     * first line is {@code {"type":"session_meta","session_id","timestamp","rollout_format", ...metaFields}} where
     * metaFields are the caller's (cwd, model, provider, approval_policy, sandbox_permissions,
     * version, instructions...). Folders are created and the file opened on the writer thread; if
     * that fails the error goes to onError and {@code flush()} fails, like any other write error.
     */
    public static RolloutRecorder create(Path codexHome, String sessionId, Instant startedAt, JsonObject metaFields,
                                         Options options) {
        Path file = RolloutFiles.pathFor(codexHome, sessionId, startedAt);
        RolloutRecorder recorder = new RolloutRecorder(file, sessionId, false, options);
        JsonObject meta = new JsonObject().put("type", "session_meta").put("session_id", sessionId)
                .put("timestamp", startedAt.truncatedTo(ChronoUnit.MILLIS).toString())
                .put("rollout_format", RolloutReader.FORMAT);
        if (metaFields != null) {
            metaFields.forEach(e -> {
                if (!meta.containsKey(e.getKey())) {
                    meta.put(e.getKey(), e.getValue());
                }
            });
        }
        recorder.enqueueEncoded(meta);
        return recorder;
    }

    /**
     * Continues an existing rollout (a resumed session): new records are appended to {@code file}.
     * An unterminated last line left by a crash is cut off first, so new records start on a line of their own.
     * The session id is taken from the file name.
     */
    public static RolloutRecorder resume(Path file, Options options) {
        String id = RolloutFiles.parseName(file).map(RolloutFiles.RolloutFile::sessionId)
                .orElseThrow(() -> new IllegalArgumentException(file + " is not named like a rollout file"
                        + " (rollout-YYYY-MM-DDTHH-MM-SS-<session id>.jsonl)"));
        RolloutRecorder recorder = new RolloutRecorder(file, id, true, options);
        recorder.schedule(); // opens the file (cutting a crash's unterminated line) now, as before any append
        return recorder;
    }

    public Path file() {
        return file;
    }

    public String sessionId() {
        return sessionId;
    }

    /**
     * Queues {@code {"type": type, ...body}}. Never blocks and never throws for IO; a body that cannot
     * be encoded as JSON is reported through onError and dropped.
     *
     * @throws IllegalArgumentException if body has its own "type" key (it would be overwritten; wrap it instead)
     */
    public void append(String type, JsonObject body) {
        Objects.requireNonNull(type, "type");
        JsonObject record = new JsonObject().put("type", type);
        long f = fence;
        if (f > 0) {
            record.put("fence", f);
        }
        if (body != null) {
            if (body.containsKey("type")) {
                throw new IllegalArgumentException("a rollout record body must not have its own \"type\" key"
                        + " (got one for record type '" + type + "'); wrap the object, e.g. {\"item\": {...}}");
            }
            body.forEach(e -> record.put(e.getKey(), e.getValue()));
        }
        enqueueEncoded(record);
    }

    private volatile long fence;

    /**
     * {@code {"type":"owner","fence","instance_id","node_id","timestamp"}}: from here on the session is
     * written by that owner; every later record carries {@code "fence"}, and a reader skips records of
     * a lower fence that come after it (a previous owner presumed dead that still wrote).
     */
    public void appendOwner(long newFence, String instanceId, String nodeId) {
        fence = newFence;
        append("owner", new JsonObject().put("instance_id", instanceId).put("node_id", nodeId)
                .put("timestamp", Instant.now().truncatedTo(ChronoUnit.MILLIS).toString()));
    }

    /** {@code {"type":"item","item":{...}}}: a conversation item as sent to / received from the Responses API. */
    public void appendItem(JsonObject item) {
        append("item", new JsonObject().put("item", item));
    }

    public void appendItems(List<JsonObject> items) {
        for (JsonObject item : items) {
            appendItem(item);
        }
    }

    /**
     * {@code {"type":"event","event":{...Event JSON with seq...}}}. Encoded by the writer thread, not the
     * caller (an event loop): events are immutable records, and the first one's encoding (Jackson's
     * first use of the event types) took ~30 ms of every session's start there.
     */
    public void appendEvent(Event event) {
        if (closing.get()) {
            droppedRecords.incrementAndGet();
            reportOnce("an 'event' record was appended to the rollout of session "
                    + sessionId + " after it was closed; it was not recorded");
            return;
        }
        if (!offer(new EventLine(event, fence))) {
            droppedRecords.incrementAndGet();
        }
    }

    /** The line of {@link #appendEvent(Event)}, or null (reported) when the event does not encode. */
    private byte[] eventLine(Event event, long f) {
        byte[] json;
        try {
            json = Json.encodeBytes(event); // straight from the record to the line: no map, no string
        } catch (RuntimeException e) {
            reportOnce("cannot encode event seq " + event.seq() + " for the rollout (" + e.getMessage() + "); event not recorded");
            return null;
        }
        byte[] head = (f > 0 ? "{\"type\":\"event\",\"fence\":" + f + ",\"event\":" : "{\"type\":\"event\",\"event\":")
                .getBytes(StandardCharsets.US_ASCII);
        byte[] line = new byte[head.length + json.length + 2];
        System.arraycopy(head, 0, line, 0, head.length);
        System.arraycopy(json, 0, line, head.length, json.length);
        line[line.length - 2] = '}';
        line[line.length - 1] = '\n';
        return line;
    }

    /** {@code {"type":"state","last_response_id":...}}: the agent's bookkeeping; null is recorded as null. */
    public void appendState(String lastResponseId) {
        append("state", new JsonObject().put("last_response_id", lastResponseId));
    }

    /**
     * Completes when every record appended before this call is in the file (and synced, per options);
     * fails with {@link RolloutWriteException} if recording has failed. Cheap: only queues a marker,
     * and flushes that arrive together share one write and one sync.
     */
    public CompletableFuture<Void> flush() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (!offer(new Flush(done))) {
            completeFlush(done); // the writer is gone; everything appended before close() was written by it
        }
        return done;
    }

    /** Flushes, syncs and closes the file. Later appends are dropped and reported. */
    public CompletableFuture<Void> closeAsync() {
        if (closing.compareAndSet(false, true)) {
            offer(new Close(closed));
        }
        return closed;
    }

    /** {@link #closeAsync()} and waits up to 10 seconds; blocks, so not for an event loop. */
    @Override
    public void close() {
        try {
            closeAsync().get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (TimeoutException e) {
            reportOnce("rollout " + file + " did not finish writing within 10 s of close; the disk may be hung");
        } catch (java.util.concurrent.ExecutionException e) {
            // cannot happen: the close future only completes normally
        }
    }

    /** Why recording stopped, if it did. */
    public java.util.Optional<String> failure() {
        return java.util.Optional.ofNullable(failure);
    }

    /** Records that were appended but will never reach the file (after a failure or after close). */
    public long droppedRecords() {
        return droppedRecords.get();
    }

    // ---- caller side -----------------------------------------------------------------------

    private void enqueueEncoded(JsonObject record) {
        if (closing.get()) {
            droppedRecords.incrementAndGet();
            reportOnce("a '" + record.getString("type") + "' record was appended to the rollout of session "
                    + sessionId + " after it was closed; it was not recorded");
            return;
        }
        byte[] bytes;
        try {
            // encoded now, on the caller's thread: the caller may keep mutating its JsonObject afterwards
            bytes = (record.encode() + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (RuntimeException e) {
            reportOnce("cannot encode a '" + record.getString("type") + "' record for the rollout of session "
                    + sessionId + " (" + e.getMessage() + "); it was not recorded");
            return;
        }
        enqueueLine(bytes);
    }

    private void enqueueLine(byte[] bytes) {
        if (!offer(new Line(bytes))) {
            droppedRecords.incrementAndGet();
        }
    }

    private boolean offer(Op op) {
        synchronized (gate) {
            if (writerExited) {
                return false;
            }
            queue.add(op);
        }
        schedule();
        return true;
    }

    private void schedule() {
        if (scheduled.compareAndSet(false, true)) {
            WRITERS.execute(this::drain);
        }
    }

    private void reportOnce(String message) {
        if (errorReported.compareAndSet(false, true)) {
            try {
                options.onError().accept(message);
            } catch (RuntimeException ignored) {
                // a broken callback must not take the writer down
            }
        }
    }

    private void completeFlush(CompletableFuture<Void> done) {
        String f = failure;
        if (f == null) {
            done.complete(null);
        } else {
            done.completeExceptionally(new RolloutWriteException(f));
        }
    }

    // ---- writer side (a pool thread) -------------------------------------------------------

    /** One batch of this recorder's ops on a pool thread, then the next batch goes to the back of the pool's queue. */
    private void drain() {
        if (!opened) {
            opened = true;
            channel = open();
        }
        List<Op> batch = new ArrayList<>();
        for (Op op; batch.size() < MAX_BATCH_OPS && (op = queue.poll()) != null; ) {
            batch.add(op);
        }
        try {
            if (!batch.isEmpty() && writeBatch(batch)) {
                return; // closed: nothing is queued any more, and no drain is scheduled again
            }
        } catch (RuntimeException e) {
            // a bug, not the disk: recording stops like after a write error, and nobody waits forever
            fail("the rollout writer failed on " + file + ": " + e);
            for (Op op : batch) {
                if (op instanceof Flush f) {
                    completeFlush(f.done());
                } else if (op instanceof Close c) {
                    c.done().complete(null);
                }
            }
        }
        scheduled.set(false);
        // an op queued after the poll above but before the flag was cleared found it still set
        if (!queue.isEmpty()) {
            schedule();
        }
    }

    /** Writes one batch; returns whether it held the Close marker (the recorder is done). */
    private boolean writeBatch(List<Op> batch) {
        ByteArrayOutputStream pending = new ByteArrayOutputStream(8192);
        boolean syncNeeded = false;
        for (Op op : batch) {
            if (op instanceof Line line) {
                if (failure == null) {
                    pending.write(line.bytes(), 0, line.bytes().length);
                } else {
                    droppedRecords.incrementAndGet();
                }
            } else if (op instanceof EventLine e) {
                byte[] line = failure == null ? eventLine(e.event(), e.fence()) : null;
                if (line != null) {
                    pending.write(line, 0, line.length);
                } else if (failure != null) {
                    droppedRecords.incrementAndGet();
                }
            } else if (op instanceof Flush || op instanceof Close) {
                syncNeeded = true;
            }
        }
        // one write and at most one sync for the whole batch, then every marker in it is answered
        if (pending.size() > 0 && failure == null) {
            writeAll(channel, pending.toByteArray());
            unsynced = true;
        }
        if (syncNeeded && unsynced && failure == null && options.fsyncOnFlush()) {
            try {
                channel.force(false);
                unsynced = false;
            } catch (IOException e) {
                fail("cannot sync rollout " + file + ": " + e);
            }
        }
        Close close = null;
        for (Op op : batch) {
            if (op instanceof Flush flush) {
                completeFlush(flush.done());
            } else if (op instanceof Close c) {
                close = c;
            }
        }
        if (close == null) {
            return false;
        }
        closeQuietly(channel);
        // flushes queued behind the Close marker still get their answer
        List<Op> rest = new ArrayList<>();
        synchronized (gate) {
            writerExited = true;
            for (Op op; (op = queue.poll()) != null; ) {
                rest.add(op);
            }
        }
        for (Op late : rest) {
            if (late instanceof Flush f) {
                completeFlush(f.done());
            } else if (late instanceof Line || late instanceof EventLine) {
                droppedRecords.incrementAndGet();
            }
        }
        close.done().complete(null);
        return true;
    }

    private FileChannel open() {
        try {
            if (!resume) {
                Files.createDirectories(file.getParent());
                return FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                        StandardOpenOption.APPEND);
            }
            try (FileChannel cut = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                cut.truncate(completeLinesLength(cut));
            }
            // O_APPEND: every batch lands at the end of the file, even if a previous owner that was
            // presumed dead still writes to it (its lines then carry an older fence; readers skip them)
            return FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        } catch (java.nio.file.FileAlreadyExistsException e) {
            fail("cannot create rollout " + file + ": a file of that name already exists (same session id and start second?)");
        } catch (IOException | RuntimeException e) {
            fail("cannot open rollout " + file + " for writing: " + e);
        }
        return null;
    }

    /** Length of the file up to and including its last newline. */
    private static long completeLinesLength(FileChannel channel) throws IOException {
        long size = channel.size();
        ByteBuffer buf = ByteBuffer.allocate(8192);
        long pos = size;
        while (pos > 0) {
            int n = (int) Math.min(buf.capacity(), pos);
            pos -= n;
            buf.clear().limit(n);
            while (buf.hasRemaining()) {
                if (channel.read(buf, pos + buf.position()) < 0) {
                    throw new IOException("file shrank while reading");
                }
            }
            for (int i = n - 1; i >= 0; i--) {
                if (buf.get(i) == '\n') {
                    return pos + i + 1;
                }
            }
        }
        return 0;
    }

    private void writeAll(FileChannel channel, byte[] bytes) {
        try {
            ByteBuffer buf = ByteBuffer.wrap(bytes);
            while (buf.hasRemaining()) {
                channel.write(buf);
            }
        } catch (IOException | RuntimeException e) {
            fail("cannot write rollout " + file + ": " + e);
        }
    }

    private void fail(String message) {
        if (failure == null) {
            failure = message + "; this session is no longer recorded (it keeps running)";
            reportOnce(failure);
        }
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel == null) {
            return;
        }
        try {
            channel.close();
        } catch (IOException ignored) {
            // data was already written (and synced if asked); a close error changes nothing for the reader
        }
    }

}

package codex.agent.rollout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import codex.protocol.Event;
import codex.protocol.EventMsg;
import codex.protocol.Json;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RolloutRecorderTest {
    private static final String ID = "0197a6b2-3c4d-7e8f-9a0b-1c2d3e4f5a6b";

    @TempDir
    Path home;

    private final List<String> errors = new CopyOnWriteArrayList<>();

    private RolloutRecorder create(String id, Instant start) {
        return RolloutRecorder.create(home, id, start, RolloutTestData.meta("/work/project"),
                RolloutRecorder.Options.defaults(errors::add));
    }

    @Test
    void roundTripKeepsMetaItemsEventsAndState() throws Exception {
        Instant start = Instant.parse("2026-11-24T16:40:09.123Z");
        List<JsonObject> items = RolloutTestData.conversation();
        List<Event> events = List.of(
                RolloutTestData.event(ID, 1, new EventMsg.TaskStarted()),
                RolloutTestData.event(ID, 2, new EventMsg.AgentMessage("Hi! There are two files.")),
                RolloutTestData.event(ID, 7, new EventMsg.ExecCommandEnd("call_1", 0, 12, "a.txt\n", "", false, false)),
                RolloutTestData.event(ID, 5, new EventMsg.TaskComplete("done")));
        try (RolloutRecorder recorder = create(ID, start)) {
            recorder.appendItems(items.subList(0, 3));
            recorder.appendEvent(events.get(0));
            recorder.appendEvent(events.get(1));
            recorder.appendState("resp_1");
            recorder.appendItems(items.subList(3, items.size()));
            recorder.appendEvent(events.get(2));
            recorder.appendEvent(events.get(3));
            recorder.appendState("resp_2");
            recorder.append("compaction", new JsonObject().put("summary", "short"));
        }

        RolloutReader.Rollout r = RolloutReader.read(RolloutFiles.pathFor(home, ID, start));
        assertEquals(ID, r.sessionId());
        assertEquals("/work/project", r.cwd());
        assertEquals("2026-11-24T16:40:09.123Z", r.meta().getString("timestamp"));
        assertEquals("gpt-test", r.meta().getString("model"));
        assertEquals("on-request", r.meta().getString("approval_policy"));
        assertEquals(items, r.items());
        List<JsonObject> expectedEvents = events.stream().map(Json::toJson).toList();
        assertEquals(expectedEvents, r.events());
        assertEquals(7, r.lastSeq(), "last seq is the highest seq, not the last one written");
        assertEquals("resp_2", r.lastResponseId());
        assertEquals(Event.class, Json.fromJson(r.events().get(2), Event.class).getClass());
        assertEquals(new EventMsg.ExecCommandEnd("call_1", 0, 12, "a.txt\n", "", false, false),
                Json.fromJson(r.events().get(2), Event.class).msg());
        List<String> order = r.records().stream().map(o -> o.getString("type")).toList();
        assertEquals(List.of("item", "item", "item", "event", "event", "state", "item", "item", "item",
                "event", "event", "state", "compaction"), order);
        assertEquals("short", r.records().get(12).getString("summary"));
        assertEquals(0, r.skippedLines());
        assertFalse(r.tornTail());
        assertEquals(List.of(), errors);
    }

    @Test
    void fileLandsInUtcDatedFolderWithTimestampAndIdInItsName() throws Exception {
        // 23:59:59 UTC is already the next day east of Greenwich; the folder must follow UTC
        Instant start = Instant.parse("2026-12-31T23:59:59.900Z");
        try (RolloutRecorder recorder = create(ID, start)) {
            recorder.appendItem(RolloutTestData.userMessage("hello"));
        }
        Path expected = home.resolve("sessions/2026/12/31/rollout-2026-12-31T23-59-59-" + ID + ".jsonl");
        assertTrue(Files.isRegularFile(expected), "missing " + expected);
        List<String> lines = Files.readAllLines(expected);
        assertEquals(2, lines.size());
        JsonObject first = new JsonObject(lines.get(0));
        assertEquals("session_meta", first.getString("type"));
        assertEquals(ID, first.getString("session_id"));
        assertEquals("item", new JsonObject(lines.get(1)).getString("type"));
    }

    @Test
    void flushCompletesOnlyOnceTheBytesAreInTheFile() throws Exception {
        Instant start = Instant.now();
        String big = "x".repeat(4 * 1024 * 1024); // takes the writer a moment, so an early completion would show
        try (RolloutRecorder recorder = create(ID, start)) {
            for (int round = 0; round < 20; round++) {
                recorder.appendItem(RolloutTestData.userMessage("round " + round));
                if (round % 5 == 0) {
                    recorder.appendItem(RolloutTestData.userMessage(big));
                }
                recorder.appendItem(RolloutTestData.assistantMessage("end " + round));
                recorder.flush().get(10, TimeUnit.SECONDS);
                List<String> lines = Files.readAllLines(recorder.file());
                JsonObject last = new JsonObject(lines.get(lines.size() - 1));
                assertEquals(RolloutTestData.assistantMessage("end " + round), last.getJsonObject("item"),
                        "after flush of round " + round + " the last line on disk must be that round's last item");
            }
        }
        assertEquals(List.of(), errors);
    }

    @Test
    void appendDoesNotWaitForTheDisk() throws Exception {
        Path file;
        try (RolloutRecorder recorder = create(ID, Instant.now())) {
            file = recorder.file();
            long t0 = System.nanoTime();
            for (int i = 0; i < 20_000; i++) {
                recorder.appendItem(RolloutTestData.userMessage("message " + i));
                if (i % 1000 == 0) {
                    recorder.flush(); // not awaited: flush itself must not block either
                }
            }
            long appendMillis = (System.nanoTime() - t0) / 1_000_000;
            recorder.flush().get(20, TimeUnit.SECONDS);
            // 20k appends with 20 fsyncs queued; blocking on the disk each time would take far longer than this
            assertTrue(appendMillis < 5_000, "20k appends took " + appendMillis + " ms");
        }
        RolloutReader.Rollout r = RolloutReader.read(file);
        assertEquals(20_000, r.items().size());
        assertEquals(RolloutTestData.userMessage("message 19999"), r.items().get(19_999));
    }

    @Test
    void concurrentAppendersNeverInterleaveLinesAndKeepEachThreadsOrder() throws Exception {
        int threads = 4;
        int perThread = 2_000;
        Path file;
        try (RolloutRecorder recorder = create(ID, Instant.now())) {
            file = recorder.file();
            List<Thread> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                Thread worker = new Thread(() -> {
                    for (int i = 0; i < perThread; i++) {
                        recorder.appendItem(new JsonObject().put("type", "message").put("thread", thread).put("i", i)
                                .put("pad", "p".repeat(i % 300)));
                    }
                });
                worker.start();
                workers.add(worker);
            }
            for (Thread w : workers) {
                w.join();
            }
        }
        RolloutReader.Rollout r = RolloutReader.read(file);
        assertEquals(0, r.skippedLines());
        assertEquals(threads * perThread, r.items().size());
        int[] next = new int[threads];
        for (JsonObject item : r.items()) {
            int t = item.getInteger("thread");
            assertEquals(next[t]++, item.getInteger("i"), "thread " + t + " out of order");
        }
    }

    @Test
    void resumeCutsOffATornTailAndAppendsOnAFreshLine() throws Exception {
        Instant start = Instant.parse("2026-03-01T08:00:00Z");
        Path file;
        try (RolloutRecorder recorder = create(ID, start)) {
            file = recorder.file();
            recorder.appendItem(RolloutTestData.userMessage("before crash"));
        }
        Files.writeString(file, "{\"type\":\"item\",\"item\":{\"type\":\"mess", StandardOpenOption.APPEND);
        assertTrue(RolloutReader.read(file).tornTail());

        try (RolloutRecorder resumed = RolloutRecorder.resume(file, RolloutRecorder.Options.defaults(errors::add))) {
            assertEquals(ID, resumed.sessionId());
            resumed.appendItem(RolloutTestData.userMessage("after resume"));
            resumed.appendState("resp_9");
        }
        RolloutReader.Rollout r = RolloutReader.read(file);
        assertEquals(List.of(RolloutTestData.userMessage("before crash"), RolloutTestData.userMessage("after resume")),
                r.items());
        assertEquals(0, r.skippedLines(), "the torn fragment must be gone, not glued to the next record");
        assertFalse(r.tornTail());
        assertEquals("resp_9", r.lastResponseId());
        assertEquals(List.of(), errors);
    }

    @Test
    void unwritableHomeIsReportedOnceAndTheCallerCarriesOn() throws Exception {
        Path notADirectory = home.resolve("codex-home-is-a-file");
        Files.writeString(notADirectory, "oops");
        RolloutRecorder recorder = RolloutRecorder.create(notADirectory, ID, Instant.now(), RolloutTestData.meta("/w"),
                RolloutRecorder.Options.defaults(errors::add));
        recorder.appendItem(RolloutTestData.userMessage("one"));
        ExecutionException failed = assertThrows(ExecutionException.class, () -> recorder.flush().get(10, TimeUnit.SECONDS));
        assertTrue(failed.getCause() instanceof RolloutWriteException, String.valueOf(failed.getCause()));
        assertTrue(failed.getCause().getMessage().contains("cannot open rollout"), failed.getCause().getMessage());
        recorder.appendItem(RolloutTestData.userMessage("two")); // no exception, just not recorded
        assertThrows(ExecutionException.class, () -> recorder.flush().get(10, TimeUnit.SECONDS));
        recorder.close();
        assertEquals(1, errors.size(), "reported once: " + errors);
        assertTrue(errors.get(0).contains(notADirectory.toString()), errors.get(0));
        assertTrue(recorder.failure().isPresent());
        assertEquals(3, recorder.droppedRecords(), "the meta line, 'one' and 'two' never reached a file");
    }

    @Test
    void fullDiskIsReportedOnceAndFlushesFail() throws Exception {
        Path devFull = Path.of("/dev/full");
        assumeTrue(Files.exists(devFull), "needs /dev/full");
        Path dir = Files.createDirectories(home.resolve("sessions/2026/01/01"));
        Path file = dir.resolve("rollout-2026-01-01T00-00-00-" + ID + ".jsonl");
        Files.createSymbolicLink(file, devFull);
        RolloutRecorder recorder = RolloutRecorder.resume(file, RolloutRecorder.Options.defaults(errors::add));
        recorder.appendItem(RolloutTestData.userMessage("does not fit"));
        ExecutionException failed = assertThrows(ExecutionException.class, () -> recorder.flush().get(10, TimeUnit.SECONDS));
        assertTrue(failed.getCause().getMessage().contains("cannot write rollout"), failed.getCause().getMessage());
        for (int i = 0; i < 10; i++) {
            recorder.appendItem(RolloutTestData.userMessage("more " + i));
        }
        recorder.flush().exceptionally(e -> null).get(10, TimeUnit.SECONDS);
        recorder.close();
        assertEquals(1, errors.size(), "reported once: " + errors);
        assertEquals(10, recorder.droppedRecords());
    }

    @Test
    void appendAfterCloseIsDroppedAndReportedNotThrown() throws Exception {
        RolloutRecorder recorder = create(ID, Instant.now());
        recorder.appendItem(RolloutTestData.userMessage("kept"));
        recorder.close();
        recorder.appendItem(RolloutTestData.userMessage("too late"));
        recorder.flush().get(5, TimeUnit.SECONDS); // answered, not left hanging
        RolloutReader.Rollout r = RolloutReader.read(recorder.file());
        assertEquals(List.of(RolloutTestData.userMessage("kept")), r.items());
        assertEquals(1, errors.size());
        assertTrue(errors.get(0).contains("after it was closed"), errors.get(0));
    }

    @Test
    void flushesRacingWithCloseAreAllAnswered() throws Exception {
        for (int round = 0; round < 50; round++) {
            RolloutRecorder recorder = create("race-" + round, Instant.now());
            List<CompletableFuture<Void>> flushes = new CopyOnWriteArrayList<>();
            Thread flusher = new Thread(() -> {
                for (int i = 0; i < 200; i++) {
                    flushes.add(recorder.flush());
                }
            });
            flusher.start();
            recorder.closeAsync();
            flusher.join();
            CompletableFuture.allOf(flushes.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
        }
        assertEquals(List.of(), errors);
    }

    @Test
    void bodyWithItsOwnTypeKeyIsRefused() {
        try (RolloutRecorder recorder = create(ID, Instant.now())) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> recorder.append("item", RolloutTestData.userMessage("unwrapped")));
            assertTrue(e.getMessage().contains("wrap"), e.getMessage());
        }
    }

    @Test
    void linesAreUtf8AndOneRecordPerLineEvenWithNewlinesInText() throws Exception {
        Path file;
        try (RolloutRecorder recorder = create(ID, Instant.now())) {
            file = recorder.file();
            recorder.appendItem(RolloutTestData.userMessage("line1\nline2\r\nü 🙂"));
        }
        String text = Files.readString(file, StandardCharsets.UTF_8);
        assertEquals(2, text.split("\n", -1).length - 1, "two records, two newlines");
        assertTrue(text.contains("ü 🙂"));
    }

    /** 300 sessions recording at once share a few writer threads; each file still gets its own records, in order. */
    @Test
    void manyRecordersShareAFewWriterThreadsAndKeepTheirOrder() throws Exception {
        int sessions = 300;
        List<RolloutRecorder> recorders = new ArrayList<>();
        for (int i = 0; i < sessions; i++) {
            recorders.add(create(String.format("0197a6b2-0000-7000-8000-%012d", i), Instant.parse("2026-11-24T16:40:09Z")));
        }
        List<CompletableFuture<Void>> flushed = new ArrayList<>();
        for (int round = 0; round < 20; round++) {
            for (RolloutRecorder r : recorders) {
                r.appendItem(new JsonObject().put("type", "message").put("n", round));
                if (round % 5 == 4) {
                    flushed.add(r.flush());
                }
            }
        }
        long writers = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("rollout-writer")).count();
        assertTrue(writers <= RolloutRecorder.WRITER_THREADS, writers + " writer threads for " + sessions + " sessions");
        CompletableFuture.allOf(flushed.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        for (RolloutRecorder r : recorders) {
            r.close();
            List<JsonObject> items = RolloutReader.read(r.file()).items();
            assertEquals(20, items.size(), r.file().toString());
            for (int round = 0; round < 20; round++) {
                assertEquals(round, items.get(round).getInteger("n"), r.file().toString());
            }
        }
        assertEquals(List.of(), errors);
    }
}

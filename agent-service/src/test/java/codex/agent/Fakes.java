package codex.agent;

import codex.agent.model.ModelClient;
import codex.agent.model.ModelEvent;
import codex.agent.model.ModelRequest;
import codex.agent.model.ModelResponse;
import codex.protocol.ApprovalPolicy;
import codex.protocol.Event;
import codex.protocol.EventMsg;
import codex.protocol.ProviderSpec;
import codex.protocol.SandboxMessages.ApplyPatch;
import codex.protocol.SandboxMessages.ExecCommand;
import codex.protocol.SandboxMessages.ExecFinished;
import codex.protocol.SandboxMessages.OutputChunk;
import codex.protocol.SandboxMessages.PatchApplied;
import codex.protocol.SandboxMessages.PatchPlan;
import codex.protocol.SandboxMessages.PlanPatch;
import codex.protocol.SessionConfig;
import codex.protocol.Submission;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/** Scripted stand-ins for the session's seams: no Vert.x instance, no event bus, no sandbox, no network. */
final class Fakes {
    private Fakes() {
    }

    static final String CWD = "/work/project";

    static SessionConfig config(ApprovalPolicy policy) {
        return new SessionConfig("test-model", provider("openai"), policy, List.of("disk-full-read-access", "disk-write-cwd"),
                CWD, true, null, null, List.of(), null, null, null, null);
    }

    static ProviderSpec provider(String id) {
        return new ProviderSpec(id, id, "http://127.0.0.1:1/v1", null, null, codex.protocol.WireApi.RESPONSES, Map.of(), Map.of(), Map.of(),
                0, 0, 1_000);
    }

    // ---- model ----------------------------------------------------------------------------

    /** Answers each request with the next scripted response or failure; with none left, the call hangs until cancelled. */
    static final class Model implements ModelClient {
        final List<ModelRequest> requests = new ArrayList<>();
        private final Deque<Object> script = new ArrayDeque<>();
        private Promise<ModelResponse> hanging;
        private Consumer<ModelEvent> hangingEvents;
        int cancels;

        Model then(ModelResponse response) {
            script.add(response);
            return this;
        }

        Model thenFail(Throwable error) {
            script.add(error);
            return this;
        }

        @Override
        public Future<ModelResponse> stream(ModelRequest request, Consumer<ModelEvent> events, Consumer<String> notices) {
            requests.add(request);
            Object next = script.poll();
            if (next instanceof ModelResponse r) {
                for (JsonObject item : r.items()) {
                    if ("message".equals(item.getString("type"))) {
                        events.accept(new ModelEvent.TextDelta(Items.messageText(item)));
                    }
                }
                return Future.succeededFuture(r);
            }
            if (next instanceof Throwable t) {
                return Future.failedFuture(t);
            }
            hanging = Promise.promise();
            hangingEvents = events;
            return hanging.future();
        }

        /** While a call hangs: stream a piece of text to the session. */
        void streamDelta(String text) {
            hangingEvents.accept(new ModelEvent.TextDelta(text));
        }

        boolean isStreaming() {
            return hanging != null && !hanging.future().isComplete();
        }

        @Override
        public void cancel() {
            cancels++;
            if (hanging != null) {
                hanging.tryFail("cancelled");
            }
        }
    }

    static ModelResponse response(JsonObject... items) {
        return new ModelResponse(null, List.of(items), null);
    }

    static JsonObject message(String text) {
        return new JsonObject().put("type", "message").put("role", "assistant").put("id", "msg_1")
                .put("content", new JsonArray().add(new JsonObject().put("type", "output_text").put("text", text)));
    }

    static JsonObject shell(String callId, String... argv) {
        return new JsonObject().put("type", "function_call").put("name", "shell").put("call_id", callId)
                .put("arguments", new JsonObject().put("command", new JsonArray(List.of((Object[]) argv))).encode());
    }

    static JsonObject patch(String callId, String patchText) {
        return new JsonObject().put("type", "function_call").put("name", "apply_patch").put("call_id", callId)
                .put("arguments", new JsonObject().put("input", patchText).encode());
    }

    static String addFile(String path) {
        return "*** Begin Patch\n*** Add File: " + path + "\n+hello\n*** End Patch\n";
    }

    // ---- sandbox --------------------------------------------------------------------------

    /**
     * Runs commands by script: each exec takes the next scripted result (exit code, denial), or
     * hangs until cancelled when the script is empty. Plans patches from their "*** Add File:" lines.
     */
    static final class Sandbox implements SandboxGateway {
        final List<ExecCommand> execs = new ArrayList<>();
        final List<ApplyPatch> applied = new ArrayList<>();
        final List<String> cancelled = new ArrayList<>();
        /** What an attach by call id finds (absent: the sandbox does not know the call), and the calls asked. */
        final Map<String, codex.protocol.SandboxMessages.ExecAttached> attachable = new LinkedHashMap<>();
        final List<String> attachedCalls = new ArrayList<>();
        /** Patches are planned and applied by script, or (true) never answered, as by a sandbox that is gone. */
        boolean patchesHang;
        private final Deque<ExecFinished> script = new ArrayDeque<>();
        private Promise<ExecFinished> hanging;

        Sandbox thenExit(int exitCode, String stdout) {
            script.add(finished(exitCode, stdout, false));
            return this;
        }

        Sandbox thenDenied() {
            script.add(finished(1, "", true));
            return this;
        }

        private static ExecFinished finished(int exitCode, String stdout, boolean denied) {
            return new ExecFinished(null, exitCode, 0, false, false, 5, stdout, denied ? "Permission denied" : "", 0, denied, null);
        }

        boolean isRunning() {
            return hanging != null && !hanging.future().isComplete();
        }

        @Override
        public Future<ExecFinished> exec(ExecCommand command, Consumer<OutputChunk> output) {
            execs.add(command);
            ExecFinished next = script.poll();
            if (next != null) {
                output.accept(new OutputChunk(command.execId(), "stdout", next.stdout()));
                return Future.succeededFuture(next);
            }
            hanging = Promise.promise();
            return hanging.future();
        }

        @Override
        public Future<codex.protocol.SandboxMessages.ExecAttached> attach(String sessionId, String callId, String attachId,
                                                                           Consumer<OutputChunk> output) {
            attachedCalls.add(callId);
            return Future.succeededFuture(attachable.getOrDefault(callId,
                    new codex.protocol.SandboxMessages.ExecAttached(false, null)));
        }

        static ExecFinished exited(int exitCode, String stdout) {
            return finished(exitCode, stdout, false);
        }

        @Override
        public void cancel(String execId) {
            cancelled.add(execId);
            if (hanging != null) {
                hanging.tryComplete(new ExecFinished(execId, 137, 9, false, true, 5, "", "", 0, false, null));
            }
        }

        @Override
        public Future<PatchPlan> planPatch(PlanPatch request) {
            if (patchesHang) {
                return Promise.<PatchPlan>promise().future();
            }
            Map<String, EventMsg.FileChange> changes = new LinkedHashMap<>();
            List<String> touched = new ArrayList<>();
            for (String line : request.patch().split("\n")) {
                if (line.startsWith("*** Add File: ")) {
                    String path = Path.of(request.cwd()).resolve(line.substring("*** Add File: ".length())).normalize().toString();
                    touched.add(path);
                    changes.put(path, new EventMsg.FileChange("add", "hello\n", null, null));
                }
            }
            return Future.succeededFuture(new PatchPlan(true, changes, touched, null));
        }

        @Override
        public Future<PatchApplied> applyPatch(ApplyPatch request) {
            applied.add(request);
            return Future.succeededFuture(new PatchApplied(true, "A file\n", null));
        }
    }

    // ---- events ---------------------------------------------------------------------------

    /** Collects events; answers nothing by itself. */
    static final class Events implements EventSink {
        final List<Event> all = new ArrayList<>();

        @Override
        public void emit(Event event) {
            all.add(event);
        }

        <T extends EventMsg> List<T> of(Class<T> type) {
            return all.stream().map(Event::msg).filter(type::isInstance).map(type::cast).toList();
        }

        <T extends EventMsg> T last(Class<T> type) {
            List<T> found = of(type);
            if (found.isEmpty()) {
                throw new AssertionError("no " + type.getSimpleName() + " among " + names());
            }
            return found.get(found.size() - 1);
        }

        List<String> names() {
            return all.stream().map(e -> e.msg().getClass().getSimpleName()).toList();
        }
    }

    static Submission input(String id, String text) {
        return new Submission(id, Submission.Op.UserInput.text(text));
    }

    static Submission execAnswer(String callId, String decision) {
        return new Submission("a-" + callId, new Submission.Op.ExecApproval(callId, decision));
    }

    static Submission patchAnswer(String callId, String decision) {
        return new Submission("p-" + callId, new Submission.Op.PatchApproval(callId, decision));
    }
}

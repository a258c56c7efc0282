package codex.agent;

import static codex.agent.Fakes.CWD;
import static codex.agent.Fakes.addFile;
import static codex.agent.Fakes.config;
import static codex.agent.Fakes.execAnswer;
import static codex.agent.Fakes.input;
import static codex.agent.Fakes.message;
import static codex.agent.Fakes.patch;
import static codex.agent.Fakes.patchAnswer;
import static codex.agent.Fakes.response;
import static codex.agent.Fakes.shell;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import codex.agent.model.ModelException;
import codex.protocol.ApprovalPolicy;
import codex.protocol.EventMsg;
import codex.protocol.SessionConfig;
import codex.protocol.Submission;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The turn loop and both approval flows over fakes: what the user and the model would see. */
class AgentSessionTest {
    final Fakes.Model model = new Fakes.Model();
    final Fakes.Sandbox sandbox = new Fakes.Sandbox();
    final Fakes.Events events = new Fakes.Events();

    AgentSession session(ApprovalPolicy policy) {
        return session(config(policy), AgentSession.ResumeState.NEW);
    }

    AgentSession session(SessionConfig config, AgentSession.ResumeState resume) {
        return new AgentSession("s1", config, model, sandbox, events, new AgentSession.Hooks() { }, Map.of(), resume);
    }

    /** The function_call_output the model got back for {@code callId} (from the history). */
    static String outputFor(AgentSession s, String callId) {
        return s.history().stream().filter(i -> "function_call_output".equals(i.getString("type"))
                && callId.equals(i.getString("call_id"))).map(i -> i.getString("output")).findFirst()
                .orElseThrow(() -> new AssertionError("no output for " + callId));
    }

    static long outputsFor(List<JsonObject> items, String callId) {
        return items.stream().filter(i -> "function_call_output".equals(i.getString("type"))
                && callId.equals(i.getString("call_id"))).count();
    }

    // ---- takeover ----------------------------------------------------------------------

    /** A session whose previous owner died while call c1 ran: its log ends with the call, no output. */
    AgentSession takenOver() {
        List<JsonObject> history = List.of(Prompts.userMessage("run it", List.of()), Items.forHistory(shell("c1", "make")));
        OpenTurn open = new OpenTurn("t1", "u1", Map.of("c1", List.of("make")));
        AgentSession s = session(config(ApprovalPolicy.NEVER), new AgentSession.ResumeState(history, 4, null, open));
        s.carryOn(open);
        return s;
    }

    @Test
    void aTakeoverAttachesToTheRunningCommandByItsCallIdAndNeverRunsItAgain() {
        sandbox.attachable.put("c1", new codex.protocol.SandboxMessages.ExecAttached(true,
                Fakes.Sandbox.exited(0, "real output\n")));
        model.then(response(message("carried on")));
        AgentSession s = takenOver();
        assertEquals(List.of("c1"), sandbox.attachedCalls);
        assertEquals(List.of(), sandbox.execs, "not run again");
        EventMsg.ExecCommandEnd end = events.last(EventMsg.ExecCommandEnd.class);
        assertEquals("c1", end.callId());
        assertEquals(0, end.exitCode());
        assertEquals("real output\n", end.stdout());
        assertTrue(outputFor(s, "c1").contains("real output"), outputFor(s, "c1"));
        assertEquals(1, outputsFor(model.requests.get(0).input(), "c1"), "the model gets the real output, once");
        assertEquals("carried on", events.last(EventMsg.TaskComplete.class).lastAgentMessage());
    }

    @Test
    void aTakeoverWhoseSandboxNeverSawTheCallTellsTheModelItWasNotRunAgain() {
        model.then(response(message("I will check")));
        AgentSession s = takenOver();
        assertEquals(List.of(), sandbox.execs, "never silently re-run");
        EventMsg.ExecCommandEnd end = events.last(EventMsg.ExecCommandEnd.class);
        assertEquals(-1, end.exitCode());
        assertTrue(end.stderr().contains("no record of the command"), end.stderr());
        assertTrue(outputFor(s, "c1").contains("not run again"), outputFor(s, "c1"));
        assertEquals("I will check", events.last(EventMsg.TaskComplete.class).lastAgentMessage());
    }

    // ---- the turn loop ------------------------------------------------------------------

    @Test
    void aMultiStepTurnRunsTheCallSandboxedAndFeedsItsOutputBack() {
        model.then(response(shell("c1", "make", "test"))).then(response(message("all green")));
        sandbox.thenExit(0, "BUILD OK");
        AgentSession s = session(ApprovalPolicy.NEVER);
        s.submit(input("u1", "run the tests"));

        assertEquals(1, sandbox.execs.size());
        assertEquals(List.of("make", "test"), sandbox.execs.get(0).argv());
        assertEquals(s.config().sandboxPermissions(), sandbox.execs.get(0).permissions(), "under never: in the sandbox");
        assertTrue(events.last(EventMsg.ExecCommandBegin.class).sandboxed());
        assertEquals(2, model.requests.size());
        assertEquals(1, outputsFor(model.requests.get(1).input(), "c1"), "the second request carries the output");
        assertTrue(outputFor(s, "c1").contains("BUILD OK"), outputFor(s, "c1"));
        assertEquals("all green", events.last(EventMsg.TaskComplete.class).lastAgentMessage());
        assertEquals("TaskStarted", events.names().get(0));
        assertEquals("TaskComplete", events.names().get(events.names().size() - 1));
    }

    @Test
    void imagesGoToTheModelWithTheTextAndALocalFileUrlIsRefused() {
        model.then(response(message("a pixel")));
        AgentSession s = session(ApprovalPolicy.NEVER);
        String png = "data:image/png;base64,iVBORw0KGgo=";
        s.submit(new codex.protocol.Submission("u1", new codex.protocol.Submission.Op.UserInput(List.of(
                new codex.protocol.Submission.InputItem("text", "what is it"),
                codex.protocol.Submission.InputItem.image(png)))));
        io.vertx.core.json.JsonObject asked = model.requests.get(0).input().get(model.requests.get(0).input().size() - 1);
        assertEquals("what is it", asked.getJsonArray("content").getJsonObject(0).getString("text"));
        assertEquals(new io.vertx.core.json.JsonObject().put("type", "input_image").put("image_url", png),
                asked.getJsonArray("content").getJsonObject(1));
        assertEquals("what is it", events.last(EventMsg.UserMessage.class).message(), "the turn's prompt, for every client");

        s.submit(new codex.protocol.Submission("u2", new codex.protocol.Submission.Op.UserInput(List.of(
                new codex.protocol.Submission.InputItem("text", "and this"),
                codex.protocol.Submission.InputItem.image("file:///etc/shadow")))));
        assertEquals(1, model.requests.size(), "a file URL would have the model's client read the agent's disk");
        assertTrue(events.last(EventMsg.Error.class).message().contains("data:image/...;base64, URL or an http(s) URL"),
                events.last(EventMsg.Error.class).message());
    }

    @Test
    void parallelToolCallsOfOneResponseAllRunBeforeTheModelIsAskedAgain() {
        model.then(response(shell("c1", "ls"), shell("c2", "cat", "README.md"))).then(response(message("seen both")));
        sandbox.thenExit(0, "a b").thenExit(0, "# readme");
        AgentSession s = session(ApprovalPolicy.UNLESS_ALLOW_LISTED);
        s.submit(input("u1", "look around"));

        assertEquals(List.of(List.of("ls"), List.of("cat", "README.md")),
                sandbox.execs.stream().map(e -> e.argv()).toList(), "known-safe: no question, in order");
        assertTrue(events.of(EventMsg.ExecApprovalRequest.class).isEmpty());
        List<JsonObject> second = model.requests.get(1).input();
        assertEquals(1, outputsFor(second, "c1"));
        assertEquals(1, outputsFor(second, "c2"));
        assertEquals("seen both", events.last(EventMsg.TaskComplete.class).lastAgentMessage());
    }

    @Test
    void aModelErrorEndsTheTurnWithTheMessageAndTheSessionGoesOn() {
        model.thenFail(new ModelException("stream error: retries exhausted after 5 attempts (HTTP 503)", 503, true, 0))
                .then(response(message("back")));
        AgentSession s = session(ApprovalPolicy.NEVER);
        s.submit(input("u1", "hi"));
        assertEquals("stream error: retries exhausted after 5 attempts (HTTP 503)", events.last(EventMsg.Error.class).message());
        assertEquals("error", events.last(EventMsg.TurnAborted.class).reason());
        assertTrue(events.of(EventMsg.TaskComplete.class).isEmpty());

        s.submit(input("u2", "again"));
        assertEquals("back", events.last(EventMsg.TaskComplete.class).lastAgentMessage());
    }

    @Test
    void aModelErrorAfterToolCallsLeavesEveryCallAnswered() {
        model.then(response(shell("c1", "ls"))).thenFail(new ModelException("HTTP 500 from the provider", 500, false, 0));
        sandbox.thenExit(0, "x");
        AgentSession s = session(ApprovalPolicy.NEVER);
        s.submit(input("u1", "hi"));
        assertEquals("error", events.last(EventMsg.TurnAborted.class).reason());
        assertEquals(1, outputsFor(s.history(), "c1"), "the call's real output, no second one");
    }

    @Test
    void aSecondUserInputWaitsForTheRunningTurnAndThenStartsItsOwn() {
        model.then(response(shell("c1", "make"))).then(response(message("first done"))).then(response(message("second done")));
        sandbox.thenExit(0, "");
        AgentSession s = session(ApprovalPolicy.UNLESS_ALLOW_LISTED);
        s.submit(input("u1", "build"));
        assertEquals(1, events.of(EventMsg.ExecApprovalRequest.class).size(), "turn 1 waits for approval");
        s.submit(input("u2", "and then this"));
        assertEquals(1, events.of(EventMsg.TaskStarted.class).size(), "queued, not started");
        assertEquals(1, model.requests.size());

        s.submit(execAnswer("c1", "approved"));
        assertEquals(List.of("first done", "second done"),
                events.of(EventMsg.TaskComplete.class).stream().map(EventMsg.TaskComplete::lastAgentMessage).toList());
        assertEquals(2, events.of(EventMsg.TaskStarted.class).size());
        assertEquals("u2", events.all.get(events.all.size() - 1).id(), "the second turn answers the second submission");
        JsonObject lastInput = model.requests.get(2).input().get(model.requests.get(2).input().size() - 1);
        assertEquals("and then this", Items.messageText(lastInput));
    }

    // ---- interrupts -----------------------------------------------------------------------

    @Test
    void interruptEndsTheTurnWhileTheSandboxNeverAnswersAPatch() {
        model.then(response(patch("p1", "*** Begin Patch\n*** Add File: a.txt\n+hi\n*** End Patch")));
        sandbox.patchesHang = true;
        AgentSession s = session(ApprovalPolicy.NEVER);
        s.submit(input("u1", "add a file"));
        assertEquals("TaskStarted", events.names().get(0));
        assertFalse(events.names().contains("TurnAborted"), "waiting for the sandbox");
        s.submit(new Submission("i1", new Submission.Op.Interrupt()));
        assertEquals("interrupted", events.last(EventMsg.TurnAborted.class).reason());
        assertTrue(outputFor(s, "p1").contains("interrupted before the sandbox answered"), outputFor(s, "p1"));
    }

    @Test
    void interruptWhileStreamingCancelsTheModelAndAbortsTheTurn() {
        AgentSession s = session(ApprovalPolicy.NEVER);
        s.submit(input("u1", "write a novel"));
        assertTrue(model.isStreaming());
        model.streamDelta("Once upon");
        assertEquals("Once upon", events.last(EventMsg.AgentMessageDelta.class).delta());

        s.submit(new Submission("i1", new Submission.Op.Interrupt()));
        assertEquals(1, model.cancels);
        assertEquals("interrupted", events.last(EventMsg.TurnAborted.class).reason());

        model.then(response(message("short one")));
        s.submit(input("u2", "a haiku then"));
        assertEquals("short one", events.last(EventMsg.TaskComplete.class).lastAgentMessage());
    }

    @Test
    void interruptWhileWaitingForApprovalAnswersTheCallAndIgnoresALateAnswer() {
        model.then(response(shell("c1", "rm", "-rf", "build")));
        AgentSession s = session(ApprovalPolicy.UNLESS_ALLOW_LISTED);
        s.submit(input("u1", "clean"));
        assertEquals(1, events.of(EventMsg.ExecApprovalRequest.class).size());

        s.submit(new Submission("i1", new Submission.Op.Interrupt()));
        assertEquals("interrupted", events.last(EventMsg.TurnAborted.class).reason());
        assertTrue(outputFor(s, "c1").contains("interrupted by the user"), outputFor(s, "c1"));

        s.submit(execAnswer("c1", "approved"));
        assertTrue(sandbox.execs.isEmpty(), "a late answer runs nothing");
    }

    @Test
    void interruptWhileACommandRunsCancelsItInTheSandbox() {
        model.then(response(shell("c1", "sleep", "600")));
        AgentSession s = session(ApprovalPolicy.NEVER);
        s.submit(input("u1", "wait"));
        assertTrue(sandbox.isRunning());

        s.submit(new Submission("i1", new Submission.Op.Interrupt()));
        assertEquals(List.of(sandbox.execs.get(0).execId()), sandbox.cancelled);
        assertEquals("interrupted", events.last(EventMsg.TurnAborted.class).reason());
        assertEquals(1, model.requests.size(), "the model is not asked again after an interrupt");
        assertEquals(1, outputsFor(s.history(), "c1"));
    }

    // ---- command approvals ----------------------------------------------------------------

    @Test
    void anApprovedCommandRunsWithoutTheSandboxAndTheNextOneAsksAgain() {
        model.then(response(shell("c1", "make"))).then(response(shell("c2", "make"))).then(response(message("ok")));
        sandbox.thenExit(0, "").thenExit(0, "");
        AgentSession s = session(ApprovalPolicy.UNLESS_ALLOW_LISTED);
        s.submit(input("u1", "build twice"));
        EventMsg.ExecApprovalRequest ask = events.last(EventMsg.ExecApprovalRequest.class);
        assertEquals("c1", ask.callId());
        assertEquals(CWD, ask.cwd());
        assertTrue(ask.reason().contains("not on the known-safe list"), ask.reason());
        assertTrue(sandbox.execs.isEmpty(), "nothing runs before the answer");

        s.submit(execAnswer("c1", "approved"));
        assertUnrestricted(sandbox.execs.get(0));
        assertFalse(events.last(EventMsg.ExecCommandBegin.class).sandboxed());
        assertEquals("c2", events.last(EventMsg.ExecApprovalRequest.class).callId(), "approved once: asked again");
        s.submit(execAnswer("c2", "approved"));
        assertEquals("ok", events.last(EventMsg.TaskComplete.class).lastAgentMessage());
    }

    @Test
    void approvedForTheSessionRunsTheSameCommandLaterWithoutAskingButNotAnotherOne() {
        model.then(response(shell("c1", "make"))).then(response(shell("c2", "make"), shell("c3", "make", "install")))
                .then(response(message("ok")));
        sandbox.thenExit(0, "").thenExit(0, "").thenExit(0, "");
        AgentSession s = session(ApprovalPolicy.AUTO_EDIT);
        s.submit(input("u1", "go"));
        s.submit(execAnswer("c1", "approved_for_session"));

        assertEquals(2, sandbox.execs.size(), "c2 ran without a question");
        assertUnrestricted(sandbox.execs.get(1), "as when first approved");
        assertEquals(List.of("c1", "c3"), events.of(EventMsg.ExecApprovalRequest.class).stream()
                .map(EventMsg.ExecApprovalRequest::callId).toList(), "a different command still asks");
        s.submit(execAnswer("c3", "approved"));
        assertEquals("ok", events.last(EventMsg.TaskComplete.class).lastAgentMessage());
    }

    @Test
    void aDeniedCommandDoesNotRunAndTheModelIsToldSo() {
        model.then(response(shell("c1", "curl", "evil.example"))).then(response(message("fine, I won't")));
        AgentSession s = session(ApprovalPolicy.UNLESS_ALLOW_LISTED);
        s.submit(input("u1", "fetch"));
        s.submit(execAnswer("c1", "denied"));
        assertTrue(sandbox.execs.isEmpty());
        assertEquals(CommandFlow.DENIED_OUTPUT, outputFor(s, "c1"));
        assertEquals("fine, I won't", events.last(EventMsg.TaskComplete.class).lastAgentMessage());
    }

    @Test
    void abortEndsTheTurnAtOnceAndAnswersTheCall() {
        model.then(response(shell("c1", "make"), shell("c2", "make", "install")));
        AgentSession s = session(ApprovalPolicy.UNLESS_ALLOW_LISTED);
        s.submit(input("u1", "go"));
        s.submit(execAnswer("c1", "abort"));
        assertEquals("aborted_by_user", events.last(EventMsg.TurnAborted.class).reason());
        assertTrue(sandbox.execs.isEmpty());
        assertEquals(1, model.requests.size());
        assertTrue(outputFor(s, "c1").contains("the user aborted"), outputFor(s, "c1"));
        assertTrue(outputFor(s, "c2").contains("the user aborted"), "the call after it is answered too");
    }

    @Test
    void anUnknownAnswerCountsAsDeniedAndSaysWhy() {
        model.then(response(shell("c1", "make"))).then(response(message("ok")));
        AgentSession s = session(ApprovalPolicy.UNLESS_ALLOW_LISTED);
        s.submit(input("u1", "go"));
        s.submit(execAnswer("c1", "yes please"));
        assertTrue(sandbox.execs.isEmpty());
        assertTrue(events.last(EventMsg.Error.class).message().contains("approved, approved_for_session, denied, abort"));
        assertEquals(CommandFlow.DENIED_OUTPUT, outputFor(s, "c1"));
    }

    @Test
    void onFailureAsksToRetryASandboxDenialWithoutTheSandbox() {
        model.then(response(shell("c1", "touch", "/etc/x"))).then(response(message("done")));
        sandbox.thenDenied().thenExit(0, "");
        AgentSession s = session(ApprovalPolicy.ON_FAILURE);
        s.submit(input("u1", "touch it"));
        assertEquals(1, sandbox.execs.size());
        assertEquals(s.config().sandboxPermissions(), sandbox.execs.get(0).permissions(), "first try is sandboxed");
        assertTrue(events.last(EventMsg.ExecApprovalRequest.class).reason().contains("run it again without the sandbox"));

        s.submit(execAnswer("c1", "approved"));
        assertEquals(2, sandbox.execs.size());
        assertUnrestricted(sandbox.execs.get(1));
        assertEquals("done", events.last(EventMsg.TaskComplete.class).lastAgentMessage());
    }

    @Test
    void onFailureDeniedRetryGivesTheModelTheSandboxedFailure() {
        model.then(response(shell("c1", "touch", "/etc/x"))).then(response(message("ok")));
        sandbox.thenDenied();
        AgentSession s = session(ApprovalPolicy.ON_FAILURE);
        s.submit(input("u1", "touch it"));
        s.submit(execAnswer("c1", "denied"));
        assertEquals(1, sandbox.execs.size());
        assertTrue(outputFor(s, "c1").contains("Permission denied"), outputFor(s, "c1"));
    }

    @Test
    void onFailureDoesNotAskAboutAnOrdinaryFailure() {
        model.then(response(shell("c1", "false"))).then(response(message("it failed")));
        sandbox.thenExit(1, "");
        AgentSession s = session(ApprovalPolicy.ON_FAILURE);
        s.submit(input("u1", "go"));
        assertTrue(events.of(EventMsg.ExecApprovalRequest.class).isEmpty());
        assertEquals("it failed", events.last(EventMsg.TaskComplete.class).lastAgentMessage());
    }

    // ---- patch approvals ------------------------------------------------------------------

    @Test
    void autoEditAppliesAPatchInsideTheWorkspaceWithoutAskingConfinedToIt() {
        model.then(response(patch("p1", addFile("src/A.txt")))).then(response(message("added")));
        AgentSession s = session(ApprovalPolicy.AUTO_EDIT);
        s.submit(input("u1", "add a file"));
        assertTrue(events.of(EventMsg.ApplyPatchApprovalRequest.class).isEmpty());
        assertTrue(events.last(EventMsg.PatchApplyBegin.class).autoApproved());
        assertEquals(1, sandbox.applied.size());
        assertTrue(sandbox.applied.get(0).writableRoots().contains(CWD), "" + sandbox.applied.get(0).writableRoots());
    }

    @Test
    void aPatchOutsideAsksAndApprovedForSessionCoversItsFolderLater() {
        model.then(response(patch("p1", addFile("../notes/a.md")))).then(response(patch("p2", addFile("../notes/b.md"))))
                .then(response(patch("p3", addFile("../other/c.md")))).then(response(message("ok")));
        AgentSession s = session(ApprovalPolicy.AUTO_EDIT);
        s.submit(input("u1", "write notes"));
        EventMsg.ApplyPatchApprovalRequest ask = events.last(EventMsg.ApplyPatchApprovalRequest.class);
        assertTrue(ask.reason().contains("outside the writable folders: /work/notes/a.md"), ask.reason());
        assertTrue(sandbox.applied.isEmpty());

        s.submit(patchAnswer("p1", "approved_for_session"));
        assertEquals(2, sandbox.applied.size(), "b.md beside a.md applies without a question");
        assertTrue(sandbox.applied.get(0).unrestricted(), "approved by the user: unrestricted");
        assertNull(sandbox.applied.get(0).writableRoots());
        assertEquals("p3", events.last(EventMsg.ApplyPatchApprovalRequest.class).callId(), "another folder asks");
        s.submit(patchAnswer("p3", "denied"));
        assertEquals(2, sandbox.applied.size());
        assertTrue(outputFor(s, "p3").contains("patch rejected by user"));
    }

    @Test
    void neverRejectsAPatchOutsideTheWorkspaceAndSaysWhy() {
        model.then(response(patch("p1", addFile("../../etc/motd")))).then(response(message("ok")));
        AgentSession s = session(ApprovalPolicy.NEVER);
        s.submit(input("u1", "edit motd"));
        assertTrue(events.of(EventMsg.ApplyPatchApprovalRequest.class).isEmpty());
        assertTrue(sandbox.applied.isEmpty());
        assertTrue(outputFor(s, "p1").contains("patch rejected: the patch writes outside the writable folders: /etc/motd"),
                outputFor(s, "p1"));
    }

    // ---- resume and configure_session -----------------------------------------------------

    @Test
    void resumingRepairsACallThatNeverGotAnOutput() {
        List<JsonObject> recorded = List.of(Prompts.userMessage("build"), shell("c1", "make"));
        model.then(response(message("resumed fine")));
        AgentSession s = session(config(ApprovalPolicy.NEVER), new AgentSession.ResumeState(recorded, 7, "resp_1"));
        assertTrue(outputFor(s, "c1").contains("the session ended"), outputFor(s, "c1"));
        s.submit(input("u1", "where were we"));
        assertEquals(1, outputsFor(model.requests.get(0).input(), "c1"), "the server never sees an unanswered call");
        assertNull(model.requests.get(0).previousResponseId());
        assertEquals(8, events.all.get(0).seq(), "events continue the old sequence");
    }

    @Test
    void configureSessionWithANewPolicyForgetsSessionApprovalsAndTellsTheModel() {
        model.then(response(shell("c1", "make"))).then(response(message("ok")))
                .then(response(shell("c2", "make"))).then(response(message("ok")));
        sandbox.thenExit(0, "").thenExit(0, "");
        AgentSession s = session(ApprovalPolicy.UNLESS_ALLOW_LISTED);
        s.submit(input("u1", "go"));
        s.submit(execAnswer("c1", "approved_for_session"));

        s.submit(new Submission("cfg", new Submission.Op.ConfigureSession(config(ApprovalPolicy.AUTO_EDIT))));
        assertEquals("auto-edit", events.last(EventMsg.SessionConfigured.class).approvalPolicy());
        assertTrue(events.last(EventMsg.BackgroundEvent.class).message().contains("forgotten"));
        JsonObject context = s.history().get(s.history().size() - 1);
        assertTrue(Items.messageText(context).contains("<approval_policy>auto-edit</approval_policy>"),
                "the model learns the new policy");

        s.submit(input("u2", "again"));
        assertEquals(List.of("c1", "c2"), events.of(EventMsg.ExecApprovalRequest.class).stream()
                .map(EventMsg.ExecApprovalRequest::callId).toList(), "the old approval does not carry over");
    }

    @Test
    void configureSessionRefusesANewProviderOrWorkingDirectoryAndKeepsTheOldConfig() {
        AgentSession s = session(ApprovalPolicy.NEVER);
        SessionConfig base = config(ApprovalPolicy.NEVER);
        SessionConfig otherProvider = new SessionConfig(base.model(), Fakes.provider("ollama"), base.approvalPolicy(),
                base.sandboxPermissions(), base.cwd(), true, null, null, List.of(), null, null, null, null);
        SessionConfig otherCwd = new SessionConfig(base.model(), base.provider(), base.approvalPolicy(),
                base.sandboxPermissions(), "/elsewhere", true, null, null, List.of(), null, null, null, null);

        s.submit(new Submission("cfg1", new Submission.Op.ConfigureSession(otherProvider)));
        assertTrue(events.last(EventMsg.Error.class).message().contains(
                "cannot change the model provider (session uses 'openai', asked for 'ollama')"));
        s.submit(new Submission("cfg2", new Submission.Op.ConfigureSession(otherCwd)));
        assertTrue(events.last(EventMsg.Error.class).message().contains("cannot change the working directory"));
        assertEquals(base, s.config());
        assertTrue(events.of(EventMsg.SessionConfigured.class).isEmpty());

        SessionConfig otherModel = new SessionConfig("bigger-model", base.provider(), base.approvalPolicy(),
                base.sandboxPermissions(), base.cwd(), true, null, null, List.of(), null, null, null, null);
        s.submit(new Submission("cfg3", new Submission.Op.ConfigureSession(otherModel)));
        assertEquals("bigger-model", events.last(EventMsg.SessionConfigured.class).model());
        model.then(response(message("hi")));
        s.submit(input("u1", "hi"));
        assertEquals("bigger-model", model.requests.get(0).model());
    }

    private static void assertUnrestricted(codex.protocol.SandboxMessages.ExecCommand exec, String... why) {
        assertTrue(exec.unrestricted(), "said explicitly: " + String.join(" ", why));
        assertNull(exec.permissions(), "no permission list beside it");
    }
}

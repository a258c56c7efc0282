package codex.agent;

import static codex.agent.Fakes.config;
import static codex.agent.Fakes.execAnswer;
import static codex.agent.Fakes.input;
import static codex.agent.Fakes.message;
import static codex.agent.Fakes.response;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import codex.agent.mcp.McpToolbox;
import codex.agent.mcp.McpTools;
import codex.mcp.McpJson;
import codex.protocol.ApprovalPolicy;
import codex.protocol.EventMsg;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** MCP tool calls through the turn loop, over a fake toolbox: events, approvals, failures, interrupts. */
class McpFlowTest {
    final Fakes.Model model = new Fakes.Model();
    final Fakes.Sandbox sandbox = new Fakes.Sandbox();
    final Fakes.Events events = new Fakes.Events();
    final FakeToolbox tools = new FakeToolbox();

    AgentSession session(ApprovalPolicy policy) {
        return new AgentSession("s1", config(policy), model, sandbox, events, new AgentSession.Hooks() { }, Map.of(),
                AgentSession.ResumeState.NEW, tools);
    }

    static JsonObject mcpCall(String callId, String name, String arguments) {
        return new JsonObject().put("type", "function_call").put("name", name).put("call_id", callId).put("arguments", arguments);
    }

    /** One server "docs" with a tool "search" (docs__search) and a read-only "peek". */
    static final class FakeToolbox implements McpToolbox {
        final List<Map<String, Object>> calls = new ArrayList<>();
        final List<Object> script = new ArrayList<>(); // Outcome, or null for "hang"
        Promise<Void> ready = Promise.promise();
        List<String> failures = List.of();
        boolean closed;

        FakeToolbox() {
            ready.complete();
        }

        @Override
        public Future<Void> ready() {
            return ready.future();
        }

        @Override
        public List<String> startFailures() {
            return failures;
        }

        @Override
        public boolean has(String name) {
            return name.equals("docs__search") || name.equals("docs__peek");
        }

        @Override
        public McpTools.Tool tool(String name) {
            return new McpTools.Tool(name, "docs", name.substring("docs__".length()), "a tool",
                    Map.of("type", "object"), name.equals("docs__peek"));
        }

        @Override
        public JsonArray toolSpecs() {
            return new JsonArray().add(new JsonObject().put("type", "function").put("name", "docs__search"));
        }

        @Override
        public Future<McpTools.Outcome> call(String name, Map<String, Object> arguments) {
            Map<String, Object> c = new LinkedHashMap<>(arguments);
            c.put("(tool)", name);
            calls.add(c);
            Object next = script.isEmpty() ? null : script.remove(0);
            return next == null ? Promise.<McpTools.Outcome>promise().future() : Future.succeededFuture((McpTools.Outcome) next);
        }

        @Override
        public Future<Void> close() {
            closed = true;
            return Future.succeededFuture();
        }

        FakeToolbox thenText(String text) {
            script.add(new McpTools.Outcome(McpJson.MAPPER.valueToTree(Map.of("content",
                    List.of(Map.of("type", "text", "text", text)))), null, text));
            return this;
        }

        FakeToolbox thenError(String error) {
            script.add(new McpTools.Outcome(null, error, "error: " + error));
            return this;
        }
    }

    @Test
    void theModelSeesTheMcpToolsBesideItsOwn_andACallRunsBetweenBeginAndEnd() {
        tools.thenText("3 pages");
        model.then(response(mcpCall("m1", "docs__search", "{\"q\":\"vert.x\"}"))).then(response(message("found 3")));
        AgentSession s = session(ApprovalPolicy.NEVER);
        s.submit(input("u1", "search the docs"));

        JsonArray offered = model.requests.get(0).tools();
        List<String> names = new ArrayList<>();
        offered.forEach(t -> names.add(((JsonObject) t).getString("name")));
        assertEquals(List.of("shell", "apply_patch", "docs__search"), names);

        assertEquals(List.of(Map.of("q", "vert.x", "(tool)", "docs__search")), tools.calls);
        EventMsg.McpToolCallBegin begin = events.last(EventMsg.McpToolCallBegin.class);
        assertEquals("m1", begin.callId());
        assertEquals("docs", begin.invocation().server());
        assertEquals("search", begin.invocation().tool());
        assertEquals("vert.x", begin.invocation().arguments().get("q").asText());
        EventMsg.McpToolCallEnd end = events.last(EventMsg.McpToolCallEnd.class);
        assertNull(end.error());
        assertEquals("3 pages", end.result().at("/content/0/text").asText());
        assertEquals("3 pages", AgentSessionTest.outputFor(s, "m1"));
        assertEquals("found 3", events.last(EventMsg.TaskComplete.class).lastAgentMessage());
        List<String> order = events.names();
        assertTrue(order.indexOf("McpToolCallBegin") < order.indexOf("McpToolCallEnd"), order.toString());
    }

    @Test
    void aCrashedServerIsAnErrorForTheModel_andTheTurnGoesOn() {
        tools.thenError("MCP server 'docs' (docs-server) exited with code 7 during tools/call 'search'");
        model.then(response(mcpCall("m1", "docs__search", "{}"))).then(response(message("the docs server is down")));
        AgentSession s = session(ApprovalPolicy.NEVER);
        s.submit(input("u1", "search"));
        EventMsg.McpToolCallEnd end = events.last(EventMsg.McpToolCallEnd.class);
        assertNull(end.result());
        assertTrue(end.error().contains("exited with code 7"), end.error());
        assertTrue(AgentSessionTest.outputFor(s, "m1").startsWith("error: MCP server 'docs'"), AgentSessionTest.outputFor(s, "m1"));
        assertEquals("the docs server is down", events.last(EventMsg.TaskComplete.class).lastAgentMessage());
    }

    @Test
    void argumentsThatAreNotAnObjectNeverReachTheServer() {
        model.then(response(mcpCall("m1", "docs__search", "[1,2]"))).then(response(message("oops")));
        AgentSession s = session(ApprovalPolicy.NEVER);
        s.submit(input("u1", "search"));
        assertTrue(tools.calls.isEmpty());
        assertTrue(AgentSessionTest.outputFor(s, "m1").contains("must be a JSON object"), AgentSessionTest.outputFor(s, "m1"));
    }

    @Test
    void underUnlessAllowListedTheUserIsAsked_deniedMeansNoCall() {
        model.then(response(mcpCall("m1", "docs__search", "{\"q\":\"x\"}"))).then(response(message("ok, not searching")));
        AgentSession s = session(ApprovalPolicy.UNLESS_ALLOW_LISTED);
        s.submit(input("u1", "search"));
        EventMsg.ExecApprovalRequest asked = events.last(EventMsg.ExecApprovalRequest.class);
        assertEquals(List.of("mcp", "docs", "search", "{\"q\":\"x\"}"), asked.command());
        assertTrue(asked.reason().contains("unless-allow-listed"), asked.reason());
        assertTrue(events.of(EventMsg.McpToolCallBegin.class).isEmpty(), "nothing runs before the answer");
        s.submit(execAnswer("m1", "denied"));
        assertTrue(tools.calls.isEmpty());
        assertEquals(McpFlow.DENIED_OUTPUT, AgentSessionTest.outputFor(s, "m1"));
        assertEquals("ok, not searching", events.last(EventMsg.TaskComplete.class).lastAgentMessage());
    }

    @Test
    void approvedForTheSessionIsNotAskedAgain_andAutoEditTrustsReadOnlyTools() {
        tools.thenText("one").thenText("two").thenText("peeked");
        model.then(response(mcpCall("m1", "docs__search", "{}"))).then(response(mcpCall("m2", "docs__search", "{}")))
                .then(response(mcpCall("m3", "docs__peek", "{}"))).then(response(message("done")));
        AgentSession s = session(ApprovalPolicy.AUTO_EDIT);
        s.submit(input("u1", "search twice"));
        assertEquals(1, events.of(EventMsg.ExecApprovalRequest.class).size());
        s.submit(execAnswer("m1", "approved_for_session"));
        assertEquals(1, events.of(EventMsg.ExecApprovalRequest.class).size(), "m2 and the read-only m3 were not asked");
        assertEquals(3, tools.calls.size());
        assertEquals("done", events.last(EventMsg.TaskComplete.class).lastAgentMessage());
    }

    @Test
    void anInterruptEndsAHungCallAtOnce() {
        model.then(response(mcpCall("m1", "docs__search", "{}")));
        AgentSession s = session(ApprovalPolicy.NEVER);
        s.submit(input("u1", "search"));
        assertEquals(1, tools.calls.size(), "the call is in flight (the fake server never answers)");
        s.submit(new codex.protocol.Submission("i1", new codex.protocol.Submission.Op.Interrupt()));
        assertEquals("interrupted", events.last(EventMsg.TurnAborted.class).reason());
        assertTrue(events.last(EventMsg.McpToolCallEnd.class).error().contains("interrupted"));
        assertEquals(1, AgentSessionTest.outputsFor(s.history(), "m1"), "the model will see an output for the call");
    }

    @Test
    void theFirstTurnWaitsForTheServers_andAStartFailureIsToldOnce() {
        tools.ready = Promise.promise();
        tools.failures = List.of("MCP server 'broken' could not start: Cannot run program \"nope\"");
        model.then(response(message("hi")));
        AgentSession s = session(ApprovalPolicy.NEVER);
        s.announce(false);
        s.submit(input("u1", "hello"));
        assertTrue(model.requests.isEmpty(), "no model request before the servers are up");
        tools.ready.complete();
        assertEquals(1, model.requests.size());
        List<String> told = events.of(EventMsg.BackgroundEvent.class).stream().map(EventMsg.BackgroundEvent::message).toList();
        assertEquals(List.of("MCP server 'broken' could not start: Cannot run program \"nope\"; the session goes on without it"), told);
        s.announce(false);
        assertEquals(1, events.of(EventMsg.BackgroundEvent.class).size(), "told once");
        s.close();
        assertTrue(tools.closed);
    }
}

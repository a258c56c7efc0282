package codex.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import codex.protocol.Event;
import codex.protocol.EventMsg;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The mapper to today's Codex `exec --json` lines, without the Codex binary (CodexJsonSchemaComparisonTest checks
 * the same shapes against the real one): the lines a script reads, value for value.
 */
class CodexJsonEventsTest {
    private final CodexJsonEvents mapper = new CodexJsonEvents(Path.of("/repo"));
    private long seq;

    private List<String> map(EventMsg... msgs) {
        List<String> out = new ArrayList<>();
        for (EventMsg m : msgs) {
            for (ObjectNode line : mapper.map(new Event("s-1", ++seq, "t", null, 1, m))) {
                out.add(line.toString());
            }
        }
        return out;
    }

    @Test
    void aTurnWithAFailingCommandAPatchAndUsageSummedOverResponses() {
        List<String> lines = map(
                new EventMsg.SessionConfigured("s-1", "m", "openai", "/repo", "never", List.of(), false),
                new EventMsg.TaskStarted(),
                new EventMsg.AgentReasoning("thinking"),
                new EventMsg.ExecCommandBegin("c1", List.of("bash", "-lc", "echo oops; exit 3"), "/repo", true),
                new EventMsg.ExecCommandOutputDelta("c1", "stdout", "oops\n"),
                new EventMsg.ExecCommandEnd("c1", 3, 5, "oops\n", "", false, false),
                new EventMsg.TokenCount(100, 10, 20, 5, 120),
                new EventMsg.PatchApplyBegin("p1", true, Map.of("src/a.txt", new EventMsg.FileChange("update", null, "@@", null))),
                new EventMsg.PatchApplyEnd("p1", "M src/a.txt", "", true),
                new EventMsg.AgentMessageDelta("do"),
                new EventMsg.AgentMessage("done"),
                new EventMsg.TokenCount(200, 20, 40, 10, 240),
                new EventMsg.TaskComplete("done"));
        assertEquals(List.of(
                "{\"type\":\"thread.started\",\"thread_id\":\"s-1\"}",
                "{\"type\":\"turn.started\"}",
                "{\"type\":\"item.completed\",\"item\":{\"id\":\"item_0\",\"type\":\"reasoning\",\"text\":\"thinking\"}}",
                "{\"type\":\"item.started\",\"item\":{\"id\":\"item_1\",\"type\":\"command_execution\",\"command\":\"bash -lc 'echo oops; exit 3'\","
                        + "\"aggregated_output\":\"\",\"exit_code\":null,\"status\":\"in_progress\"}}",
                "{\"type\":\"item.completed\",\"item\":{\"id\":\"item_1\",\"type\":\"command_execution\",\"command\":\"bash -lc 'echo oops; exit 3'\","
                        + "\"aggregated_output\":\"oops\\n\",\"exit_code\":3,\"status\":\"failed\"}}",
                "{\"type\":\"item.started\",\"item\":{\"id\":\"item_2\",\"type\":\"file_change\",\"changes\":[{\"path\":\"/repo/src/a.txt\","
                        + "\"kind\":\"update\"}],\"status\":\"in_progress\"}}",
                "{\"type\":\"item.completed\",\"item\":{\"id\":\"item_2\",\"type\":\"file_change\",\"changes\":[{\"path\":\"/repo/src/a.txt\","
                        + "\"kind\":\"update\"}],\"status\":\"completed\"}}",
                "{\"type\":\"item.completed\",\"item\":{\"id\":\"item_3\",\"type\":\"agent_message\",\"text\":\"done\"}}",
                "{\"type\":\"turn.completed\",\"usage\":{\"input_tokens\":300,\"cached_input_tokens\":30,"
                        + "\"cache_write_input_tokens\":0,\"output_tokens\":60,\"reasoning_output_tokens\":15}}"), lines);
    }

    @Test
    void mcpToolCalls_areMcpToolCallItems_completedFailedByTheToolOrFailedWithAnError() throws Exception {
        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        var args = json.readTree("{\"message\":\"hi\"}");
        var echo = new EventMsg.McpInvocation("everything", "echo", args);
        List<String> lines = map(
                new EventMsg.McpToolCallBegin("m1", echo),
                new EventMsg.McpToolCallEnd("m1", echo, 12, json.readTree(
                        "{\"content\":[{\"type\":\"text\",\"text\":\"Echo: hi\"}],\"structuredContent\":{\"n\":1}}"), null),
                new EventMsg.McpToolCallBegin("m2", echo),
                new EventMsg.McpToolCallEnd("m2", echo, 3, json.readTree(
                        "{\"content\":[{\"type\":\"text\",\"text\":\"no\"}],\"isError\":true}"), null),
                new EventMsg.McpToolCallBegin("m3", echo),
                new EventMsg.McpToolCallEnd("m3", echo, 5, null, "MCP server 'everything' exited with code 7"));
        String item = "\"type\":\"mcp_tool_call\",\"server\":\"everything\",\"tool\":\"echo\",\"arguments\":{\"message\":\"hi\"}";
        assertEquals(List.of(
                "{\"type\":\"item.started\",\"item\":{\"id\":\"item_0\"," + item + ",\"result\":null,\"error\":null,\"status\":\"in_progress\"}}",
                "{\"type\":\"item.completed\",\"item\":{\"id\":\"item_0\"," + item + ",\"result\":{\"content\":[{\"type\":\"text\","
                        + "\"text\":\"Echo: hi\"}],\"structured_content\":{\"n\":1}},\"error\":null,\"status\":\"completed\"}}",
                "{\"type\":\"item.started\",\"item\":{\"id\":\"item_1\"," + item + ",\"result\":null,\"error\":null,\"status\":\"in_progress\"}}",
                "{\"type\":\"item.completed\",\"item\":{\"id\":\"item_1\"," + item + ",\"result\":{\"content\":[{\"type\":\"text\","
                        + "\"text\":\"no\"}],\"structured_content\":null},\"error\":null,\"status\":\"failed\"}}",
                "{\"type\":\"item.started\",\"item\":{\"id\":\"item_2\"," + item + ",\"result\":null,\"error\":null,\"status\":\"in_progress\"}}",
                "{\"type\":\"item.completed\",\"item\":{\"id\":\"item_2\"," + item + ",\"result\":null,\"error\":{\"message\":"
                        + "\"MCP server 'everything' exited with code 7\"},\"status\":\"failed\"}}"), lines);
    }

    @Test
    void anErrorThenAnAbortIsErrorAndTurnFailedWithTheMessage() {
        List<String> lines = map(new EventMsg.TaskStarted(), new EventMsg.Error("model said no"),
                new EventMsg.TurnAborted("error"));
        assertEquals(List.of("{\"type\":\"turn.started\"}", "{\"type\":\"error\",\"message\":\"model said no\"}",
                "{\"type\":\"turn.failed\",\"error\":{\"message\":\"model said no\"}}"), lines);
        assertEquals(List.of("{\"type\":\"turn.started\"}", "{\"type\":\"turn.failed\",\"error\":{\"message\":\"the turn was interrupted\"}}"),
                map(new EventMsg.TaskStarted(), new EventMsg.TurnAborted("interrupted")));
    }
}

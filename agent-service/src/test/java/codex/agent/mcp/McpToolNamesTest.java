package codex.agent.mcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import codex.agent.mcp.McpToolNames.ServerTool;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class McpToolNamesTest {

    private static final java.util.regex.Pattern FUNCTION_NAME = java.util.regex.Pattern.compile("^[a-zA-Z0-9_-]{1,64}$");

    @Test
    void plainNamesAreServerDoubleUnderscoreTool() {
        Map<ServerTool, String> names = McpToolNames.assign(List.of(new ServerTool("docs", "search"),
                new ServerTool("everything", "get-sum")));
        assertEquals(List.of("docs__search", "everything__get-sum"), List.copyOf(names.values()));
    }

    @Test
    void charactersAFunctionNameCannotHaveBecomeUnderscores() {
        Map<ServerTool, String> names = McpToolNames.assign(List.of(new ServerTool("my.server", "read file/ä")));
        assertEquals("my_server__read_file__", names.values().iterator().next());
    }

    @Test
    void longNamesAreCutTo64WithAHashOfTheFullName_stableAndDistinct() {
        String longTool = "x".repeat(100);
        ServerTool a = new ServerTool("server", longTool);
        ServerTool b = new ServerTool("server", longTool + "y");
        Map<ServerTool, String> names = McpToolNames.assign(List.of(a, b));
        String na = names.get(a);
        String nb = names.get(b);
        assertEquals(64, na.length());
        assertEquals(64, nb.length());
        assertTrue(na.startsWith("server__xxxx"), na);
        assertNotEquals(na, nb);
        assertEquals(na, McpToolNames.assign(List.of(b, a)).get(a), "the same inputs give the same name");
    }

    @Test
    void collisionsAfterSanitisingAreResolvedTheSameWayWhateverTheOrder() {
        ServerTool dotted = new ServerTool("a", "b.c");
        ServerTool underscored = new ServerTool("a", "b_c");
        Map<ServerTool, String> one = McpToolNames.assign(List.of(dotted, underscored));
        Map<ServerTool, String> other = McpToolNames.assign(List.of(underscored, dotted));
        assertEquals(one.get(dotted), other.get(dotted));
        assertEquals(one.get(underscored), other.get(underscored));
        // "a"/"b.c" sorts before "a"/"b_c" ('.' < '_'), so it keeps the plain name
        assertEquals("a__b_c", one.get(dotted));
        assertTrue(one.get(underscored).matches("a__b_c_[0-9a-f]{8}"), one.get(underscored));
    }

    @Test
    void manyToolsAllGetValidDistinctNames() {
        List<ServerTool> tools = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            tools.add(new ServerTool("srv" + (i % 3), "tool " + (i % 7) + "!".repeat(i)));
            tools.add(new ServerTool("srv" + (i % 3), "tool_" + (i % 7) + "_".repeat(i)));
        }
        Collections.shuffle(tools, new java.util.Random(7));
        Map<ServerTool, String> names = McpToolNames.assign(tools);
        assertEquals(new HashSet<>(tools).size(), new HashSet<>(names.values()).size(), "every tool has its own name");
        names.values().forEach(n -> assertTrue(FUNCTION_NAME.matcher(n).matches(), n));
    }
}

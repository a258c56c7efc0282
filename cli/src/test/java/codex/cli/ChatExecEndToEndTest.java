package codex.cli;

/** The whole exec end-to-end suite again, against a Chat Completions provider (wire_api = "chat"). */
class ChatExecEndToEndTest extends ExecEndToEndTest {
    @Override
    protected String wire() {
        return "chat";
    }
}

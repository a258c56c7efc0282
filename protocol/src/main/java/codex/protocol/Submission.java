package codex.protocol;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.util.List;

/**
 * What a client sends: an id of its choosing (events caused by it carry the same id) and an op.
 * JSON: {@code {"id": "sub-1", "op": {"type": "user_input", "items": [{"type": "text", "text": "hi"}]}}}.
 */
public record Submission(String id, Op op) {

    @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
    @JsonSubTypes({
        @JsonSubTypes.Type(value = Op.ConfigureSession.class, name = "configure_session"),
        @JsonSubTypes.Type(value = Op.UserInput.class, name = "user_input"),
        @JsonSubTypes.Type(value = Op.Interrupt.class, name = "interrupt"),
        @JsonSubTypes.Type(value = Op.ExecApproval.class, name = "exec_approval"),
        @JsonSubTypes.Type(value = Op.PatchApproval.class, name = "patch_approval"),
        @JsonSubTypes.Type(value = Op.Shutdown.class, name = "shutdown"),
    })
    public sealed interface Op {
        /** (Re)configures the session; answered by {@code session_configured}. */
        record ConfigureSession(SessionConfig config) implements Op { }

        /** Starts a turn with the user's input (queued if a turn is running). */
        record UserInput(List<InputItem> items) implements Op {
            public static UserInput text(String text) {
                return new UserInput(List.of(new InputItem("text", text)));
            }

            public String joinedText() {
                StringBuilder sb = new StringBuilder();
                for (InputItem item : items) {
                    if (item.text() != null) {
                        if (sb.length() > 0) {
                            sb.append('\n');
                        }
                        sb.append(item.text());
                    }
                }
                return sb.toString();
            }

            /** The image items' URLs, in order (data: URLs as the CLI sends them, or http(s) URLs). */
            public List<String> imageUrls() {
                return items.stream().filter(i -> "image".equals(i.type()) && i.imageUrl() != null)
                        .map(InputItem::imageUrl).toList();
            }
        }

        /** Stops the running turn: the running command is killed, a waiting approval is cancelled. */
        record Interrupt() implements Op { }

        /**
         * Answers an {@code exec_approval_request}; decision: approved | approved_for_session | denied | abort.
         * With approval_id it answers that request only (a stale answer to an earlier turn's call id
         * answers nothing); without, the pending request with this call_id. decided_by and reason are
         * stamped by the gateway (the caller's identity name; why, e.g. a timeout), not taken from clients.
         */
        record ExecApproval(String callId, String decision, String approvalId, String decidedBy,
                            String reason) implements Op {
            public ExecApproval(String callId, String decision) {
                this(callId, decision, null, null, null);
            }
        }

        /** Answers an {@code apply_patch_approval_request}; same decisions and fields. */
        record PatchApproval(String callId, String decision, String approvalId, String decidedBy,
                             String reason) implements Op {
            public PatchApproval(String callId, String decision) {
                this(callId, decision, null, null, null);
            }
        }

        /** Ends the session. */
        record Shutdown() implements Op { }
    }

    /**
     * One piece of user input: {@code {"type":"text","text"}} or {@code {"type":"image","image_url"}}
     * (a {@code data:image/...;base64,} URL, as {@code codex exec -i FILE} sends it, or an http(s)
     * URL the model fetches). Other types are kept but not sent to the model.
     */
    public record InputItem(String type, String text, String imageUrl) {
        public InputItem(String type, String text) {
            this(type, text, null);
        }

        public static InputItem image(String imageUrl) {
            return new InputItem("image", null, imageUrl);
        }
    }
}

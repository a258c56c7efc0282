package codex.gateway.audit;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What ran in a session and on whose say-so, built from its durable log (the recorded events, in
 * order): one entry per command or patch the model asked for, with its argv and cwd or files, the
 * sandbox permissions it ran with (or "unsandboxed, approved by NAME"), the approval asked and the
 * decision and who made it, exit code or success, duration and timestamps. Plain Java.
 */
public final class AuditTrail {
    private AuditTrail() {
    }

    /** @param events the session's events as recorded ({@code {session_id, seq, turn_id, ts, msg}}), oldest first */
    public static JsonArray build(List<JsonObject> events) {
        Map<String, JsonObject> entries = new LinkedHashMap<>();
        JsonArray permissions = new JsonArray();
        boolean approvedForSessionSeen = false;
        for (JsonObject event : events) {
            JsonObject msg = event.getJsonObject("msg");
            if (msg == null) {
                continue;
            }
            String type = String.valueOf(msg.getString("type"));
            String callId = msg.getString("call_id");
            String key = event.getString("turn_id") + "/" + callId;
            String at = event.getValue("ts") instanceof Number ts ? Instant.ofEpochMilli(ts.longValue()).toString() : null;
            switch (type) {
                case "session_configured" -> {
                    if (msg.getJsonArray("sandbox_permissions") != null) {
                        permissions = msg.getJsonArray("sandbox_permissions");
                    }
                }
                case "exec_approval_request", "apply_patch_approval_request" -> {
                    JsonObject e = entry(entries, key, event, type.startsWith("exec") ? "exec" : "patch");
                    e.put("approval_id", msg.getString("approval_id")).put("approval_reason", msg.getString("reason"))
                            .put("approval_requested_at", at);
                    if (type.startsWith("exec")) {
                        e.put("command", msg.getValue("command")).put("cwd", msg.getString("cwd"));
                    } else {
                        e.put("files", files(msg.getJsonObject("changes")));
                    }
                }
                case "approval_resolved" -> {
                    JsonObject e = entries.get(key);
                    if (e != null) {
                        e.put("decision", msg.getString("decision")).put("decided_by", msg.getString("decided_by"))
                                .put("resolution", msg.getString("reason")).put("decided_at", at);
                        if ("approved_for_session".equals(msg.getString("decision"))) {
                            approvedForSessionSeen = true;
                        }
                    }
                }
                case "exec_command_begin" -> {
                    JsonObject e = entry(entries, key, event, "exec");
                    boolean sandboxed = msg.getBoolean("sandboxed", true);
                    e.put("command", msg.getValue("command")).put("cwd", msg.getString("cwd"))
                            .put("sandboxed", sandboxed).put("started_at", at)
                            .put("permissions", sandboxed ? permissions.copy()
                                    : unsandboxed(e, approvedForSessionSeen));
                }
                case "exec_command_end" -> {
                    JsonObject e = entry(entries, key, event, "exec");
                    e.put("exit_code", msg.getValue("exit_code")).put("duration_ms", msg.getValue("duration_ms"))
                            .put("timed_out", msg.getBoolean("timed_out", false))
                            .put("sandbox_denied", msg.getBoolean("sandbox_denied", false)).put("ended_at", at);
                }
                case "patch_apply_begin" -> {
                    JsonObject e = entry(entries, key, event, "patch");
                    boolean auto = msg.getBoolean("auto_approved", false);
                    e.put("files", files(msg.getJsonObject("changes"))).put("auto_approved", auto).put("started_at", at)
                            .put("permissions", auto ? permissions.copy() : unsandboxed(e, approvedForSessionSeen));
                }
                case "patch_apply_end" -> {
                    JsonObject e = entry(entries, key, event, "patch");
                    e.put("success", msg.getBoolean("success", false)).put("ended_at", at);
                    Object started = e.getValue("started_at");
                    if (started instanceof String s && at != null) {
                        e.put("duration_ms", Instant.parse(at).toEpochMilli() - Instant.parse(s).toEpochMilli());
                    }
                }
                default -> {
                    // not a command or a patch
                }
            }
        }
        JsonArray out = new JsonArray();
        for (JsonObject e : entries.values()) {
            if (!e.containsKey("started_at")) {
                e.put("ran", false); // denied, aborted or never answered
            } else {
                e.put("ran", true);
            }
            out.add(e);
        }
        return out;
    }

    private static JsonObject entry(Map<String, JsonObject> entries, String key, JsonObject event, String kind) {
        return entries.computeIfAbsent(key, k -> new JsonObject().put("kind", kind)
                .put("call_id", event.getJsonObject("msg").getString("call_id")).put("turn_id", event.getString("turn_id")));
    }

    /** Outside the sandbox: who said so. */
    private static String unsandboxed(JsonObject entry, boolean approvedForSessionEarlier) {
        String decision = entry.getString("decision");
        if (decision != null && decision.startsWith("approved")) {
            String by = entry.getString("decided_by");
            return "unsandboxed, approved by " + (by != null ? by : "a local client (no identity)");
        }
        return approvedForSessionEarlier ? "unsandboxed, approved for the session earlier"
                : "unsandboxed, by the session's approval policy";
    }

    private static JsonArray files(JsonObject changes) {
        JsonArray files = new JsonArray();
        if (changes != null) {
            List<String> paths = new ArrayList<>(changes.fieldNames());
            java.util.Collections.sort(paths);
            for (String path : paths) {
                JsonObject change = changes.getJsonObject(path, new JsonObject());
                JsonObject f = new JsonObject().put("path", path).put("kind", change.getString("kind"));
                if (change.getString("move_path") != null) {
                    f.put("move_path", change.getString("move_path"));
                }
                files.add(f);
            }
        }
        return files;
    }
}

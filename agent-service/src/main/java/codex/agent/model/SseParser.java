package codex.agent.model;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Incremental Server-Sent Events parser (the WHATWG rules we need): lines end in LF, CRLF or CR;
 * consecutive {@code data:} lines join with LF; lines starting with ':' are comments; a blank
 * line dispatches. Bytes are split on line ends before decoding, so a UTF-8 character cut
 * between two network chunks is never mangled.
 */
public final class SseParser {

    /** One dispatched event; {@code event} is null when the stream gave no event name. */
    public record SseEvent(String event, String data) { }

    private final ByteArrayOutputStream line = new ByteArrayOutputStream();
    private boolean lastWasCr;
    private String eventName;
    private StringBuilder data;

    /** Feeds the next bytes; returns the events completed by them. */
    public List<SseEvent> feed(byte[] bytes) {
        List<SseEvent> out = new ArrayList<>();
        for (byte b : bytes) {
            if (b == '\n') {
                if (lastWasCr) {
                    lastWasCr = false; // the LF of a CRLF: the line already ended at the CR
                    continue;
                }
                endLine(out);
            } else if (b == '\r') {
                lastWasCr = true;
                endLine(out);
            } else {
                lastWasCr = false;
                line.write(b);
            }
        }
        return out;
    }

    /** Call at end of stream: dispatches an event the server did not terminate with a blank line. */
    public List<SseEvent> finish() {
        List<SseEvent> out = new ArrayList<>();
        if (line.size() > 0) {
            endLine(out);
        }
        dispatch(out);
        return out;
    }

    private void endLine(List<SseEvent> out) {
        String text = line.toString(StandardCharsets.UTF_8);
        line.reset();
        if (text.isEmpty()) {
            dispatch(out);
            return;
        }
        if (text.startsWith(":")) {
            return;
        }
        int colon = text.indexOf(':');
        String field = colon < 0 ? text : text.substring(0, colon);
        String value = colon < 0 ? "" : text.substring(colon + 1);
        if (value.startsWith(" ")) {
            value = value.substring(1);
        }
        switch (field) {
            case "event" -> eventName = value;
            case "data" -> {
                if (data == null) {
                    data = new StringBuilder(value);
                } else {
                    data.append('\n').append(value);
                }
            }
            default -> { } // id, retry and unknown fields do not matter to a model stream
        }
    }

    private void dispatch(List<SseEvent> out) {
        if (data != null) {
            out.add(new SseEvent(eventName, data.toString()));
        }
        data = null;
        eventName = null;
    }
}

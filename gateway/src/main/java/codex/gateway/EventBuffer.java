package codex.gateway;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.ToLongFunction;

/**
 * The last N events of one session, so a client that (re)subscribes late can catch up from the
 * seq it last saw. Plain Java; the owner serialises access (one event loop).
 */
public final class EventBuffer<E> {
    private final int capacity;
    private final ToLongFunction<E> seqOf;
    private final Deque<E> events = new ArrayDeque<>();

    public EventBuffer(int capacity, ToLongFunction<E> seqOf) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("capacity must be positive");
        }
        this.capacity = capacity;
        this.seqOf = seqOf;
    }

    public void add(E event) {
        if (events.size() == capacity) {
            events.removeFirst();
        }
        events.addLast(event);
    }

    /** Events with seq greater than {@code afterSeq}, oldest first. */
    public List<E> after(long afterSeq) {
        List<E> out = new ArrayList<>();
        for (E e : events) {
            if (seqOf.applyAsLong(e) > afterSeq) {
                out.add(e);
            }
        }
        return out;
    }

    /** Seq of the oldest event still held, or -1 when empty (a client that needs older ones must read the session log). */
    public long oldestSeq() {
        return events.isEmpty() ? -1 : seqOf.applyAsLong(events.peekFirst());
    }

    public int size() {
        return events.size();
    }
}

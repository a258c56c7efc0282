package codex.gateway;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.function.ToLongFunction;

/**
 * A replay after seq N served from two sources: the session's durable log (complete but a few
 * milliseconds behind) and the gateway's buffer (current but only the last events, and empty
 * after a gateway restart). Plain Java: the gateway decides when the log is needed and joins.
 */
final class ReplayJoin {
    private ReplayJoin() {
    }

    /**
     * Whether the buffer alone cannot serve a replay after {@code afterSeq}: it holds nothing
     * (this gateway never saw the session, or restarted) or its oldest event is past the next one
     * the client needs.
     */
    static boolean needsLog(EventBuffer<?> buffer, long afterSeq) {
        return buffer == null || buffer.size() == 0 || buffer.oldestSeq() > afterSeq + 1;
    }

    /** Events of both lists with seq greater than {@code afterSeq}, each seq once, in seq order. */
    static <E> List<E> join(long afterSeq, List<E> recorded, List<E> buffered, ToLongFunction<E> seqOf) {
        TreeMap<Long, E> bySeq = new TreeMap<>();
        for (E e : recorded) {
            long seq = seqOf.applyAsLong(e);
            if (seq > afterSeq) {
                bySeq.putIfAbsent(seq, e);
            }
        }
        for (E e : buffered) {
            long seq = seqOf.applyAsLong(e);
            if (seq > afterSeq) {
                bySeq.putIfAbsent(seq, e);
            }
        }
        return new ArrayList<>(bySeq.values());
    }

    /** Whether {@code events} (in seq order) run from {@code afterSeq + 1} (seqs start at 1) without a hole. */
    static <E> boolean gapless(long afterSeq, List<E> events, ToLongFunction<E> seqOf) {
        long expected = Math.max(afterSeq, 0) + 1;
        for (E e : events) {
            if (seqOf.applyAsLong(e) != expected) {
                return false;
            }
            expected++;
        }
        return true;
    }
}

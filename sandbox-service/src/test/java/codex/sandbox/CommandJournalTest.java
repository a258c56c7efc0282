package codex.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import codex.protocol.SandboxMessages.ExecFinished;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CommandJournalTest {
    static final CommandJournal.Key C1 = new CommandJournal.Key("s1", "c1");
    static final CommandJournal.Key C2 = new CommandJournal.Key("s1", "c2");

    static ExecFinished result(String stdout) {
        return new ExecFinished("e", 0, 0, false, false, 10, stdout, "", 0, false, null);
    }

    @Test
    void aCallNeverSeenIsUnknown() {
        CommandJournal journal = new CommandJournal();
        assertInstanceOf(CommandJournal.Unknown.class, journal.attach(C1, r -> { }, 0));
        journal.started(C1, "e1", 0);
        assertInstanceOf(CommandJournal.Unknown.class, journal.attach(new CommandJournal.Key("s2", "c1"), r -> { }, 0),
                "the same call id in another session is another call");
    }

    @Test
    void anAttacherToARunningCommandGetsItsResultWhenItEnds() {
        CommandJournal journal = new CommandJournal();
        journal.started(C1, "e1", 0);
        List<ExecFinished> got = new ArrayList<>();
        CommandJournal.Found found = journal.attach(C1, got::add, 5);
        assertEquals(new CommandJournal.Running("e1"), found);
        assertEquals(List.of(), got);
        journal.finished(C1, result("done\n"), 10);
        assertEquals(List.of(result("done\n")), got);
        assertEquals(new CommandJournal.Finished(result("done\n")), journal.attach(C1, r -> { }, 20),
                "and a later attacher gets the kept result at once");
    }

    @Test
    void finishedResultsAreKeptForAWhileThenForgotten() {
        CommandJournal journal = new CommandJournal(1_000, 1_000_000);
        journal.started(C1, "e1", 0);
        journal.finished(C1, result("x"), 100);
        assertInstanceOf(CommandJournal.Finished.class, journal.attach(C1, r -> { }, 1_099));
        assertInstanceOf(CommandJournal.Unknown.class, journal.attach(C1, r -> { }, 1_100));
        assertEquals(0, journal.size());
    }

    @Test
    void keptOutputIsBoundedOldestFirstAndRunningCommandsAreNeverForgotten() {
        CommandJournal journal = new CommandJournal(60_000, 10);
        journal.started(C1, "e1", 0);
        journal.started(C2, "e2", 0);
        CommandJournal.Key c3 = new CommandJournal.Key("s1", "c3");
        journal.started(c3, "e3", 0);
        journal.finished(C1, result("123456"), 1);
        journal.finished(C2, result("abcdef"), 2); // 12 characters kept > 10: the oldest goes
        assertInstanceOf(CommandJournal.Unknown.class, journal.attach(C1, r -> { }, 3));
        assertInstanceOf(CommandJournal.Finished.class, journal.attach(C2, r -> { }, 3));
        assertInstanceOf(CommandJournal.Running.class, journal.attach(c3, r -> { }, 3_600_000));
    }

    /** A busy sandbox: each start and end costs the same however many commands it remembers. */
    @Test
    void manyCommandsCostLinearTime() {
        CommandJournal journal = new CommandJournal(600_000, Long.MAX_VALUE);
        long start = System.nanoTime();
        int commands = 200_000;
        for (int i = 0; i < commands; i++) {
            CommandJournal.Key key = new CommandJournal.Key("s" + (i % 500), "c" + i);
            journal.started(key, "e" + i, i);
            journal.finished(key, result("x"), i);
        }
        assertEquals(commands, journal.size(), "all within the ten minutes: all kept");
        journal.attach(C1, r -> { }, commands + 600_000L); // every one is older than that now
        assertEquals(0, journal.size());
        // a scan of every entry at each call: 4e10 steps, minutes; linear: well under a second
        long ms = (System.nanoTime() - start) / 1_000_000;
        org.junit.jupiter.api.Assertions.assertTrue(ms < 10_000, commands + " commands took " + ms + " ms");
    }
}

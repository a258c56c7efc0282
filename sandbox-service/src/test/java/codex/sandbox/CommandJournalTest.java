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
}

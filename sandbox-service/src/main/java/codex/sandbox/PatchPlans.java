package codex.sandbox;

import codex.patch.FileChange;
import codex.patch.Patch;
import codex.patch.PatchException;
import codex.patch.PatchPlanner;
import codex.patch.WritableRoots;
import codex.protocol.EventMsg;
import codex.protocol.SandboxMessages.PatchPlan;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Plans a patch for the agent: the per-file changes to show and the real paths it would write. Reads only. */
public final class PatchPlans {
    private PatchPlans() {
    }

    public static PatchPlan plan(String patchText, Path cwd) {
        try {
            Patch patch = Patch.parse(patchText);
            List<FileChange> changes = PatchPlanner.plan(patch, cwd);
            Map<String, EventMsg.FileChange> views = new LinkedHashMap<>();
            for (FileChange c : changes) {
                views.put(c.path().toString(), view(c));
            }
            Set<String> touched = new LinkedHashSet<>();
            for (Path p : WritableRoots.touchedPaths(patch, cwd)) {
                Path real = WritableRoots.canonicalize(p);
                touched.add((real != null ? real : p).toString());
            }
            return new PatchPlan(true, views, new ArrayList<>(touched), null);
        } catch (PatchException e) {
            return new PatchPlan(false, Map.of(), List.of(), e.getMessage());
        }
    }

    public static EventMsg.FileChange view(FileChange c) {
        return switch (c.kind()) {
            case ADD -> new EventMsg.FileChange("add", c.newContent(), null, null);
            case DELETE -> new EventMsg.FileChange("delete", c.originalContent(), null, null);
            case UPDATE -> new EventMsg.FileChange("update", null, c.unifiedDiff(),
                    c.movePath() == null ? null : c.movePath().toString());
        };
    }
}

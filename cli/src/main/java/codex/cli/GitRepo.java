package codex.cli;

import java.nio.file.Files;
import java.nio.file.Path;

/** Whether a folder is inside a git work tree (a .git folder or file in it or any ancestor). */
final class GitRepo {
    private GitRepo() {
    }

    static boolean isInside(Path dir) {
        for (Path p = dir.toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.exists(p.resolve(".git"))) {
                return true;
            }
        }
        return false;
    }
}

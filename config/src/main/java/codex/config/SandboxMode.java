package codex.config;

import codex.protocol.SandboxPermission;
import codex.protocol.SandboxPermission.Kind;
import codex.protocol.WireName;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Today's Codex {@code sandbox_mode}, mapped onto the seed's permission list (what the sandbox enforces).
 * See config/README.md for the table.
 */
public enum SandboxMode implements WireName {
    /** Read everything, write nothing, no network: {@code disk-full-read-access}. */
    READ_ONLY,
    /**
     * Read everything; write the working directory, $TMPDIR, /tmp and {@code writable_roots}; {@code .git} and
     * {@code .codex} inside them stay read-only; network only with {@code network_access = true}.
     */
    WORKSPACE_WRITE,
    /** No sandbox at all: {@code disk-full-read-access}, {@code disk-full-write-access}, {@code network-full-access}. */
    DANGER_FULL_ACCESS;

    public static final String VALID_NAMES = WireName.validNames(SandboxMode.class);

    public static SandboxMode parse(String text) {
        return WireName.parse(SandboxMode.class, text, "sandbox mode", "modes");
    }

    /** Whether {@code text} names a mode (rather than a permission), for {@code -s} taking either. */
    public static boolean isMode(String text) {
        for (SandboxMode m : values()) {
            if (m.wireName().equals(text == null ? null : text.trim())) {
                return true;
            }
        }
        return false;
    }

    /** {@code [sandbox_workspace_write]}; the defaults are Codex's. */
    public record WorkspaceWrite(List<String> writableRoots, boolean networkAccess, boolean excludeTmpdirEnvVar,
                                 boolean excludeSlashTmp) {
        public static final WorkspaceWrite DEFAULTS = new WorkspaceWrite(List.of(), false, false, false);

        public WorkspaceWrite {
            writableRoots = writableRoots == null ? List.of() : List.copyOf(writableRoots);
        }
    }

    /** The permission list this mode means. {@code settings} matter only for workspace-write. */
    public List<SandboxPermission> permissions(WorkspaceWrite settings) {
        List<SandboxPermission> out = new ArrayList<>();
        out.add(SandboxPermission.of(Kind.DISK_FULL_READ_ACCESS));
        switch (this) {
            case READ_ONLY -> { }
            case WORKSPACE_WRITE -> {
                out.add(SandboxPermission.of(Kind.DISK_WRITE_CWD));
                if (!settings.excludeTmpdirEnvVar()) {
                    out.add(SandboxPermission.of(Kind.DISK_WRITE_PLATFORM_USER_TEMP_FOLDER));
                }
                if (!settings.excludeSlashTmp()) {
                    out.add(SandboxPermission.of(Kind.DISK_WRITE_PLATFORM_GLOBAL_TEMP_FOLDER));
                }
                for (String root : settings.writableRoots()) {
                    SandboxPermission p = SandboxPermission.writeFolder(Path.of(root));
                    if (!out.contains(p)) {
                        out.add(p);
                    }
                }
                out.add(SandboxPermission.of(Kind.DISK_READ_ONLY_METADATA_FOLDERS));
                if (settings.networkAccess()) {
                    out.add(SandboxPermission.of(Kind.NETWORK_FULL_ACCESS));
                }
            }
            case DANGER_FULL_ACCESS -> {
                out.add(SandboxPermission.of(Kind.DISK_FULL_WRITE_ACCESS));
                out.add(SandboxPermission.of(Kind.NETWORK_FULL_ACCESS));
            }
        }
        return out;
    }

    @Override
    public String toString() {
        return wireName();
    }
}

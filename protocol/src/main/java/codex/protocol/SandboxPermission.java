package codex.protocol;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One entry of the seed's {@code sandbox_permissions} list. The string form is the contract
 * (config files, CLI flags and event-bus messages all carry it), so parsing lives here once.
 */
public record SandboxPermission(Kind kind, String folder) {

    public enum Kind implements WireName {
        DISK_FULL_READ_ACCESS,
        DISK_WRITE_CWD,
        DISK_WRITE_PLATFORM_USER_TEMP_FOLDER,
        DISK_WRITE_PLATFORM_GLOBAL_TEMP_FOLDER,
        DISK_WRITE_FOLDER,
        DISK_FULL_WRITE_ACCESS,
        NETWORK_FULL_ACCESS,
        /**
         * Not a grant but a limit on the others: {@code .git} and {@code .codex} directly inside a writable root
         * stay read-only (sandbox_mode workspace-write sets it, as today's Codex protects them).
         */
        DISK_READ_ONLY_METADATA_FOLDERS;
    }

    /** The valid spellings, for error messages. */
    public static final String VALID_NAMES = "disk-full-read-access, disk-write-cwd, "
            + "disk-write-platform-user-temp-folder, disk-write-platform-global-temp-folder, "
            + "disk-write-folder=PATH, disk-full-write-access, network-full-access, disk-read-only-metadata-folders";

    public SandboxPermission {
        Objects.requireNonNull(kind, "kind");
        if (kind == Kind.DISK_WRITE_FOLDER && (folder == null || folder.isBlank())) {
            throw new IllegalArgumentException("disk-write-folder needs a path: disk-write-folder=PATH");
        }
        if (kind != Kind.DISK_WRITE_FOLDER) {
            folder = null;
        }
    }

    public static SandboxPermission of(Kind kind) {
        return new SandboxPermission(kind, null);
    }

    public static SandboxPermission writeFolder(Path folder) {
        return new SandboxPermission(Kind.DISK_WRITE_FOLDER, folder.toString());
    }

    /** Parses one seed-style string; the error names every valid spelling. */
    public static SandboxPermission parse(String text) {
        String s = text == null ? "" : text.trim();
        int eq = s.indexOf('=');
        String name = eq >= 0 ? s.substring(0, eq) : s;
        for (Kind k : Kind.values()) {
            if (k.wireName().equals(name)) {
                if (k == Kind.DISK_WRITE_FOLDER) {
                    if (eq < 0 || s.substring(eq + 1).isBlank()) {
                        throw new IllegalArgumentException(
                                "sandbox permission 'disk-write-folder' needs a path: disk-write-folder=PATH");
                    }
                    return new SandboxPermission(k, s.substring(eq + 1));
                }
                if (eq >= 0) {
                    throw new IllegalArgumentException("sandbox permission '" + name + "' takes no value (got '" + s + "')");
                }
                return of(k);
            }
        }
        throw new IllegalArgumentException("unknown sandbox permission '" + s + "'; valid permissions are: " + VALID_NAMES);
    }

    public static List<SandboxPermission> parseAll(List<String> texts) {
        List<SandboxPermission> out = new ArrayList<>();
        for (String t : texts) {
            SandboxPermission p = parse(t);
            if (!out.contains(p)) {
                out.add(p);
            }
        }
        return out;
    }

    public static List<String> toStrings(List<SandboxPermission> perms) {
        return perms.stream().map(SandboxPermission::toString).toList();
    }

    @Override
    public String toString() {
        return kind == Kind.DISK_WRITE_FOLDER ? kind.wireName() + "=" + folder : kind.wireName();
    }
}

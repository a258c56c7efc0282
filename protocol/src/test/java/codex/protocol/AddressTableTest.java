package codex.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** protocol/README.md's address table and {@link Addresses} say the same: every address documented, nothing documented that does not exist. */
class AddressTableTest {
    /** Stands for the argument of an address builder such as {@code clientEvents(session)}. */
    private static final String ARG = "<>";
    private static final Pattern ROW = Pattern.compile("^\\| `([^`]+)` \\|", Pattern.MULTILINE);

    private static TreeSet<String> documented() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        String section = readme.substring(readme.indexOf("## Event-bus addresses"));
        TreeSet<String> out = new TreeSet<>();
        Matcher m = ROW.matcher(section);
        while (m.find()) {
            out.add(m.group(1).replaceAll("<[^>]+>", ARG)); // codex.client.events.v1.<session> → …v1.<>
        }
        return out;
    }

    private static TreeSet<String> declared() throws Exception {
        TreeSet<String> out = new TreeSet<>();
        for (Field f : Addresses.class.getDeclaredFields()) {
            if (Modifier.isPublic(f.getModifiers()) && Modifier.isStatic(f.getModifiers()) && f.getType() == String.class) {
                out.add((String) f.get(null));
            }
        }
        for (Method m : Addresses.class.getDeclaredMethods()) {
            if (Modifier.isPublic(m.getModifiers()) && Modifier.isStatic(m.getModifiers())
                    && m.getReturnType() == String.class && m.getParameterCount() == 1) {
                out.add((String) m.invoke(null, ARG));
            }
        }
        return out;
    }

    @Test
    void everyAddressIsDocumentedAndEveryDocumentedAddressExists() throws Exception {
        TreeSet<String> documented = documented();
        TreeSet<String> declared = declared();
        assertTrue(declared.size() >= 20, "reflection found the addresses: " + declared);
        List<String> undocumented = new ArrayList<>(declared);
        undocumented.removeAll(documented);
        List<String> stale = new ArrayList<>(documented);
        stale.removeAll(declared);
        assertEquals(List.of(), undocumented, "in Addresses but not in protocol/README.md's table");
        assertEquals(List.of(), stale, "in protocol/README.md's table but not in Addresses");
    }
}

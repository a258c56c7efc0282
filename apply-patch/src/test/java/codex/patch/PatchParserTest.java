package codex.patch;

import codex.patch.PatchOperation.AddFile;
import codex.patch.PatchOperation.DeleteFile;
import codex.patch.PatchOperation.UpdateChunk;
import codex.patch.PatchOperation.UpdateFile;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PatchParserTest {

    @Test
    void parsesEveryOperationKind() throws Exception {
        Patch patch = Patch.parse("""
                *** Begin Patch
                *** Add File: hello.txt
                +Hello
                +
                *** Update File: src/app.py
                *** Move to: src/main.py
                @@ def greet():
                 context
                -print("Hi")
                +print("Hello")
                *** Delete File: obsolete.txt
                *** End Patch
                """);
        assertEquals(3, patch.operations().size());
        AddFile add = (AddFile) patch.operations().get(0);
        assertEquals("hello.txt", add.path());
        assertEquals("Hello\n\n", add.contents());
        assertEquals(2, add.lineNumber());
        UpdateFile update = (UpdateFile) patch.operations().get(1);
        assertEquals("src/app.py", update.path());
        assertEquals("src/main.py", update.movePath());
        UpdateChunk chunk = update.chunks().get(0);
        assertEquals(List.of("def greet():"), chunk.contextHeaders());
        assertEquals(List.of("context", "print(\"Hi\")"), chunk.oldLines());
        assertEquals(List.of("context", "print(\"Hello\")"), chunk.newLines());
        assertFalse(chunk.endOfFile());
        assertEquals(7, chunk.lineNumber());
        DeleteFile delete = (DeleteFile) patch.operations().get(2);
        assertEquals("obsolete.txt", delete.path());
        assertEquals(11, delete.lineNumber());
    }

    @Test
    void severalChunksEndOfFileAndBlankContextLines() throws Exception {
        Patch patch = Patch.parse("""
                *** Begin Patch
                *** Update File: a.txt
                 first

                -second
                +2nd
                @@
                @@ class A
                @@ \tdef m():
                -x
                +y
                *** End of File
                *** End Patch""");
        List<UpdateChunk> chunks = ((UpdateFile) patch.operations().get(0)).chunks();
        assertEquals(2, chunks.size());
        assertEquals(List.of(), chunks.get(0).contextHeaders(), "the first chunk may omit its @@");
        assertEquals(List.of("first", "", "second"), chunks.get(0).oldLines());
        assertEquals(List.of("class A", "\tdef m():"), chunks.get(1).contextHeaders());
        assertTrue(chunks.get(1).endOfFile());
    }

    @Test
    void gitStyleRangeHeadersAreNotTreatedAsContext() throws Exception {
        Patch patch = Patch.parse("*** Begin Patch\n*** Update File: a\n@@ -3,2 +3,2 @@ def f():\n-a\n+b\n"
                + "@@ -10 +10 @@\n-c\n+d\n*** End Patch");
        List<UpdateChunk> chunks = ((UpdateFile) patch.operations().get(0)).chunks();
        assertEquals(List.of("def f():"), chunks.get(0).contextHeaders());
        assertEquals(List.of(), chunks.get(1).contextHeaders());
    }

    @Test
    void toleratesCrlfPaddingAndHeredocWrapping() throws Exception {
        String body = "*** Begin Patch \r\n  *** Add File: x.txt\r\n+one\r\n *** End Patch\r\n";
        assertEquals("one\n", ((AddFile) Patch.parse(body).operations().get(0)).contents());
        for (String opener : List.of("<<'EOF'", "<<EOF", "<<\"EOF\"")) {
            Patch wrapped = Patch.parse(opener + "\n*** Begin Patch\n*** Delete File: gone.txt\n*** End Patch\nEOF\n");
            assertEquals("gone.txt", wrapped.operations().get(0).path());
        }
        assertThrows(PatchParseException.class, () ->
                Patch.parse("<<'EOF'\n*** Begin Patch\n*** Delete File: gone.txt\n*** End Patch\nEND\n"),
                "the closing delimiter must match the opening one");
    }

    @Test
    void errorsNameTheLine() {
        PatchParseException badHeader = assertThrows(PatchParseException.class, () -> Patch.parse(
                "*** Begin Patch\n*** Add File: a\n+x\n*** Frobnicate File: foo\n*** End Patch\n"));
        assertEquals(4, badHeader.lineNumber());
        assertTrue(badHeader.getMessage().contains("line 4") && badHeader.getMessage().contains("Frobnicate"),
                badHeader.getMessage());

        PatchParseException noBegin = assertThrows(PatchParseException.class,
                () -> Patch.parse("\n\n*** Add File: a\n+x\n*** End Patch\n"));
        assertEquals(3, noBegin.lineNumber());
        assertTrue(noBegin.getMessage().contains("*** Begin Patch"), noBegin.getMessage());

        PatchParseException noEnd = assertThrows(PatchParseException.class,
                () -> Patch.parse("*** Begin Patch\n*** Add File: a\n+x\n"));
        assertEquals(3, noEnd.lineNumber());
        assertTrue(noEnd.getMessage().contains("*** End Patch"), noEnd.getMessage());

        PatchParseException emptyUpdate = assertThrows(PatchParseException.class,
                () -> Patch.parse("*** Begin Patch\n*** Update File: foo.txt\n*** End Patch\n"));
        assertEquals(2, emptyUpdate.lineNumber());
        assertTrue(emptyUpdate.getMessage().contains("foo.txt"), emptyUpdate.getMessage());

        PatchParseException badChunkLine = assertThrows(PatchParseException.class,
                () -> Patch.parse("*** Begin Patch\n*** Update File: f\n@@\n-a\n+b\nstray\n*** End Patch\n"));
        assertEquals(6, badChunkLine.lineNumber());
        assertTrue(badChunkLine.getMessage().contains("'stray'"), badChunkLine.getMessage());

        PatchParseException noOps = assertThrows(PatchParseException.class,
                () -> Patch.parse("*** Begin Patch\n*** End Patch\n"));
        assertTrue(noOps.getMessage().contains("no file operations"), noOps.getMessage());

        PatchParseException noPath = assertThrows(PatchParseException.class,
                () -> Patch.parse("*** Begin Patch\n*** Delete File:   \n*** End Patch\n"));
        assertEquals(2, noPath.lineNumber());
    }

    @Test
    void moveIsOptionalAndAddFileMayBeEmpty() throws Exception {
        Patch patch = Patch.parse("*** Begin Patch\n*** Update File: a\n@@\n-x\n+y\n*** Add File: b\n*** End Patch");
        assertNull(((UpdateFile) patch.operations().get(0)).movePath());
        assertEquals("", ((AddFile) patch.operations().get(1)).contents(), "an Add File with no lines is empty");
    }
}

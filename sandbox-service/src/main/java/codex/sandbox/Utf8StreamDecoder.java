package codex.sandbox;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** Decodes a byte stream chunk by chunk, holding back a UTF-8 sequence cut at a chunk's end. Not thread-safe: one per stream. */
public final class Utf8StreamDecoder {
    private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPLACE)
            .onUnmappableCharacter(CodingErrorAction.REPLACE);
    private ByteBuffer pending = ByteBuffer.allocate(0);

    public synchronized String decode(byte[] chunk) {
        ByteBuffer in = ByteBuffer.allocate(pending.remaining() + chunk.length);
        in.put(pending).put(chunk).flip();
        CharBuffer out = CharBuffer.allocate((int) (in.remaining() * 1.1) + 4);
        decoder.decode(in, out, false);
        pending = in.slice();
        out.flip();
        return out.toString();
    }
}

package io.rqsweeper.diagnose;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.zip.Deflater;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Job-hash values are shown as text only when they are text; everything else by type and size. */
class FieldViewTest {

    @Test
    void textStaysText() {
        FieldView v = FieldView.of("description", "tasks.send(\"café\")".getBytes(StandardCharsets.UTF_8));
        assertEquals(FieldView.TEXT, v.type());
        assertEquals("tasks.send(\"café\")", v.value());
        assertEquals(19, v.size());
        assertEquals(FieldView.TEXT, FieldView.of("ended_at", new byte[0]).type());
        // Text that happens to start like a zlib header is still text.
        assertEquals(FieldView.TEXT, FieldView.of("description", "x^2 + 1".getBytes(StandardCharsets.UTF_8)).type());
    }

    @Test
    void zlibAndPickleAreRecognisedNeverDecoded() {
        for (int level : new int[] {1, 6, 9}) {
            Deflater d = new Deflater(level);
            d.setInput("payload".repeat(20).getBytes(StandardCharsets.UTF_8));
            d.finish();
            byte[] buffer = new byte[256];
            int n = d.deflate(buffer);
            byte[] zlib = java.util.Arrays.copyOf(buffer, n);
            FieldView v = FieldView.of("data", zlib);
            assertEquals(FieldView.ZLIB, v.type(), "level " + level);
            assertNull(v.value());
            assertEquals(n, v.size());
        }
        FieldView meta = FieldView.of("meta", new byte[] {(byte) 0x80, 0x05, (byte) 0x95, 0x10, 0, 0});
        assertEquals(FieldView.PICKLE, meta.type());
        assertNull(meta.value());
    }

    @Test
    void otherBytesAndControlCharactersAreBinary() {
        assertEquals(FieldView.BINARY, FieldView.of("x", new byte[] {(byte) 0xff, (byte) 0xfe}).type());
        assertEquals(FieldView.BINARY, FieldView.of("x", "\u001b[2Jgotcha".getBytes(StandardCharsets.UTF_8)).type());
        assertEquals(FieldView.TEXT, FieldView.of("x", "two\nlines\ttab".getBytes(StandardCharsets.UTF_8)).type());
    }
}

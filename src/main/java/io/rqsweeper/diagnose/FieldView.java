package io.rqsweeper.diagnose;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * One field of a job hash, decoded only as far as is safe: text as text; anything else (RQ's zlib-compressed
 * {@code data} and {@code exc_info}, pickled {@code meta} and {@code result}, bytes that are not UTF-8) as its
 * type and size. Nothing is ever decompressed or unpickled.
 *
 * @param name  the field name
 * @param type  {@code text}, {@code zlib}, {@code pickle}, {@code binary}, or {@code unread} (too large to fetch)
 * @param size  the value's length in bytes
 * @param value the text, for {@code text} only; null otherwise
 */
public record FieldView(String name, String type, long size, String value) {
    public static final String TEXT = "text";
    public static final String ZLIB = "zlib";
    public static final String PICKLE = "pickle";
    public static final String BINARY = "binary";
    public static final String UNREAD = "unread";

    /** Decodes a value read from Redis. */
    public static FieldView of(String name, byte[] value) {
        String type = classify(value);
        return new FieldView(name, type, value.length, TEXT.equals(type) ? new String(value, StandardCharsets.UTF_8) : null);
    }

    /** A value too large to fetch for a diagnosis: only its size is known. */
    public static FieldView unread(String name, long size) {
        return new FieldView(name, UNREAD, size, null);
    }

    static String classify(byte[] v) {
        if (isText(v)) {
            return TEXT;
        }
        if (v.length >= 2 && (v[0] & 0xff) == 0x78 && (v[1] & 0x20) == 0 && ((v[0] & 0xff) * 256 + (v[1] & 0xff)) % 31 == 0) {
            return ZLIB;   // RFC 1950 header: deflate, no preset dictionary, check bits right (Python's zlib.compress)
        }
        if (v.length >= 2 && (v[0] & 0xff) == 0x80 && v[1] >= 2 && v[1] <= 5) {
            return PICKLE; // PROTO opcode of pickle protocols 2 to 5
        }
        return BINARY;
    }

    /** Strict UTF-8 without control characters other than tab and line breaks. */
    static boolean isText(byte[] v) {
        String s;
        try {
            s = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(v)).toString();
        } catch (CharacterCodingException e) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isISOControl(c) && c != '\t' && c != '\n' && c != '\r') {
                return false;
            }
        }
        return true;
    }
}

package io.rqsweeper.rq;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.zip.Deflater;

/**
 * The failure text rq-sweeper stores for a job it fails. It starts like RQ's own abandoned-job text, so
 * anyone grepping for {@code Moved to FailedJobRegistry, due to AbandonedJobError} finds it, and says who
 * did it and why. RQ stores it zlib-compressed: in {@code exc_info} as raw bytes, in the results stream as
 * base64 of those bytes.
 */
public final class FailureText {
    private FailureText() {
    }

    public static String text(Instant now, String why) {
        return "Moved to FailedJobRegistry, due to AbandonedJobError, at " + RqTimestamps.formatForFailureText(now)
                + " by rq-sweeper (" + why + ")";
    }

    /** zlib (RFC 1950) bytes, as Python's {@code zlib.compress} produces and RQ's readers expect. */
    public static byte[] zlib(String text) {
        Deflater deflater = new Deflater();
        deflater.setInput(text.getBytes(StandardCharsets.UTF_8));
        deflater.finish();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[1024];
        while (!deflater.finished()) {
            out.write(buffer, 0, deflater.deflate(buffer));
        }
        deflater.end();
        return out.toByteArray();
    }

    public static String base64Zlib(String text) {
        return Base64.getEncoder().encodeToString(zlib(text));
    }
}

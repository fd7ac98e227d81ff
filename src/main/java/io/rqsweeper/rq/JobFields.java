package io.rqsweeper.rq;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The job-hash fields rq-sweeper reads, in HMGET order, as raw bytes. Payload fields ({@code data},
 * {@code meta}, {@code exc_info}, {@code result}) are never read.
 */
public record JobFields(byte[][] values) {
    public static final List<String> NAMES = List.of(
            "status", "started_at", "worker_name", "origin", "timeout", "retries_left", "retry_intervals",
            "failure_callback_name", "webhooks", "last_heartbeat", "enqueued_at");

    public byte[] raw(String name) {
        return values[NAMES.indexOf(name)];
    }

    /** The field as UTF-8 text, or null when absent. */
    public String text(String name) {
        byte[] v = raw(name);
        return v == null ? null : new String(v, StandardCharsets.UTF_8);
    }
}

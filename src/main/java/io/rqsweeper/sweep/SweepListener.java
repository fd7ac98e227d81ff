package io.rqsweeper.sweep;

/** Receives a sweep's findings as they happen, so that output can stream and memory stays flat. */
public interface SweepListener {

    /** The sweep knows its scope: queues to sweep and the started entries they hold right now. */
    default void started(int queues, long entries) {
    }

    /** One job's report, as soon as it is made. */
    void job(JobReport report);

    /** Entries looked at so far, of about {@code total}. Called once per page. */
    default void progress(long checked, long total) {
    }
}

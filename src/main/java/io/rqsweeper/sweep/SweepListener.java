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

    /** One queue of the sweep and the entries its started registry holds, before the sweep begins. */
    default void queue(String queue, long startedEntries) {
    }

    /**
     * A queue left alone because another sweeper holds its lock ({@code holder} is that sweeper's token, or empty
     * when its lock expired while this sweep was reading). Not an error: that sweeper sweeps it.
     */
    default void queueSkipped(String queue, String holder) {
    }

    /**
     * Asked before each queue and each page: true ends the sweep there. Scripts already sent complete (each is
     * atomic); no new one is sent, and the report's {@code stoppedBy} says the sweep was stopped.
     */
    default boolean stopRequested() {
        return false;
    }
}

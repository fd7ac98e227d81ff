package io.rqsweeper.diagnose;

import java.util.List;

/**
 * What {@code status} found.
 *
 * @param redisAvailable   Redis could be reached; when false nothing else is known
 * @param now              Redis's clock (epoch seconds) when the snapshot was taken; 0 when unavailable
 * @param redisProblem     why Redis was unavailable, or why the queue list could not be read; null when fine
 * @param suspended        RQ's suspension flag ({@code rq suspend}) is set; null when unknown
 * @param suspendedTtl     seconds until the flag lifts itself ({@code rq suspend --duration}), -1 when it does not
 * @param queues           one entry per queue, sorted by name
 * @param workers          the workers listed in {@code rq:workers} (those listening on the selected queues)
 * @param problems         reads that failed (wrong key types, permissions), each naming the key
 */
public record StatusReport(boolean redisAvailable, long now, String redisProblem, Boolean suspended, long suspendedTtl,
                           List<QueueCounts> queues, List<WorkerView> workers, List<String> problems) {

    public static StatusReport unavailable(String problem) {
        return new StatusReport(false, 0, problem, null, -2, List.of(), List.of(), List.of());
    }

    public long abandoned() {
        return queues.stream().mapToLong(q -> q.abandoned() == null ? 0 : q.abandoned()).sum();
    }

    /**
     * Whether every queue's abandoned count is known, so that "no abandoned job" is a finding, not a guess.
     */
    public boolean abandonedKnown() {
        return redisAvailable && redisProblem == null && queues.stream().allMatch(q -> q.abandoned() != null);
    }

    /** Every problem, the queues' included. */
    public List<String> allProblems() {
        List<String> all = new java.util.ArrayList<>(problems);
        queues.forEach(q -> all.addAll(q.problems()));
        return all;
    }
}

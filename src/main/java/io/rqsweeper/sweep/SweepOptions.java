package io.rqsweeper.sweep;

import java.util.List;

/**
 * One sweep's input, whatever triggered it.
 *
 * @param queues             queues to sweep; empty means every queue in {@code rq:queues}
 * @param excludedQueues     queues never swept, even when listed in {@code rq:queues}
 * @param policy             the abandoned-job rule's knobs
 * @param action             what to do with an abandoned job; null means the default: fail a started job,
 *                           requeue one that never started (left in an intermediate list)
 * @param dryRun             decide and report, change nothing
 * @param assumedRqVersion   RQ version to assume where Redis cannot tell (e.g. {@code 2.12}), or null
 * @param deleteKeys         extra keys deleted with a job, {@code {id}} replaced by its id (delete only)
 * @param deleteDependents   delete the jobs that depended on a deleted job too, recursively
 * @param backup             file to append a backup line to before each change, or null
 * @param maxJobs            the safety cap: a sweep that finds more abandoned jobs than this acts on none; 0 = no cap
 */
public record SweepOptions(List<String> queues, List<String> excludedQueues, SweepPolicy policy, Action action,
                           boolean dryRun, String assumedRqVersion, List<String> deleteKeys, boolean deleteDependents,
                           java.nio.file.Path backup, int maxJobs) {

    /** The command line's and serve's default cap. */
    public static final int DEFAULT_MAX_JOBS = 1000;

    /** Options without a cap (callers that count on every job being handled, such as tests). */
    public SweepOptions(List<String> queues, List<String> excludedQueues, SweepPolicy policy, Action action,
                        boolean dryRun, String assumedRqVersion, List<String> deleteKeys, boolean deleteDependents,
                        java.nio.file.Path backup) {
        this(queues, excludedQueues, policy, action, dryRun, assumedRqVersion, deleteKeys, deleteDependents, backup, 0);
    }

    /** Options with every later addition at its default: fail, no exclusions, no backup. */
    public static SweepOptions of(List<String> queues, SweepPolicy policy, Action action, boolean dryRun,
                                  String assumedRqVersion) {
        return new SweepOptions(queues, List.of(), policy, action, dryRun, assumedRqVersion, List.of(), false, null);
    }

    /** The action for a job found in a started registry. */
    public Action startedAction() {
        return action == null ? Action.FAIL : action;
    }

    /** The action for a job left in an intermediate list: it never started, so by default it is requeued. */
    public Action intermediateAction() {
        return action == null ? Action.REQUEUE : action;
    }

    /** What is done with an abandoned job. */
    public enum Action {
        /** Fail it as RQ's own cleanup would (retries honoured). The default: the job and its trail are kept. */
        FAIL("fail"),
        /** Put it back on its queue as a fresh attempt. */
        REQUEUE("requeue"),
        /** Delete it and everything RQ keeps for it. */
        DELETE("delete");

        private final String code;

        Action(String code) {
            this.code = code;
        }

        public String code() {
            return code;
        }
    }
}

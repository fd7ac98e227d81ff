package io.rqsweeper.sweep;

import java.util.List;

/**
 * One sweep's input, whatever triggered it.
 *
 * @param queues             queues to sweep; empty means every queue in {@code rq:queues}
 * @param policy             the abandoned-job rule's knobs
 * @param action             what to do with an abandoned job
 * @param dryRun             decide and report, change nothing
 * @param assumedRqVersion   RQ version to assume where Redis cannot tell (e.g. {@code 2.12}), or null
 */
public record SweepOptions(List<String> queues, SweepPolicy policy, Action action, boolean dryRun,
                           String assumedRqVersion) {

    /** What is done with an abandoned job. */
    public enum Action {
        /** Fail it as RQ's own cleanup would (retries honoured). The default: the job and its trail are kept. */
        FAIL("fail");

        private final String code;

        Action(String code) {
            this.code = code;
        }

        public String code() {
            return code;
        }
    }
}

package io.rqsweeper.sweep;

import java.util.List;

/**
 * What the sweep found and did for one started entry.
 *
 * @param id              job id
 * @param queue           queue whose started registry held the entry
 * @param member          the registry member as stored ({@code <job>:<execution>} on RQ 2.x)
 * @param reasons         why it was judged so, most important first
 * @param ageSeconds      now − started_at, or null when started_at is missing or unreadable
 * @param outcome         what happened (or would happen, in a dry run)
 * @param detail          one human sentence with the specifics (retries left, what changed, the error)
 * @param worker          worker named in the job, or null
 * @param rqVersion       RQ generation the writes were made for, or null when no write depends on it
 * @param rqVersionSource where that came from: {@code worker}, {@code queue-workers}, {@code option},
 *                        {@code member-format} or {@code assumed}
 * @param notRun          what RQ would also have done but an outside tool cannot (e.g. a failure callback)
 * @param stuck           the entry was judged abandoned (whether or not it could be resolved)
 * @param action          the action applied (or planned), or null when none was
 * @param keysChanged     every key written (or, in a dry run, that would be)
 * @param dependents      ids of jobs that depended on a deleted job and were left waiting
 */
public record JobReport(String id, String queue, String member, List<Reason> reasons, Long ageSeconds,
                        Outcome outcome, String detail, String worker, String rqVersion, String rqVersionSource,
                        List<String> notRun, boolean stuck, SweepOptions.Action action,
                        List<String> keysChanged, List<String> dependents) {

    /** A report about an entry that could not even be read. */
    public static JobReport error(String id, String queue, String member, String detail) {
        return new JobReport(id, queue, member, List.of(Reason.MALFORMED), null, Outcome.ERROR, detail, null, null, null,
                List.of(), false, null, List.of(), List.of());
    }

    public Reason reason() {
        return reasons.isEmpty() ? null : reasons.get(0);
    }
}

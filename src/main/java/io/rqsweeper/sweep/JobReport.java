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
 */
public record JobReport(String id, String queue, String member, List<Reason> reasons, Long ageSeconds,
                        Outcome outcome, String detail, String worker, String rqVersion, String rqVersionSource,
                        List<String> notRun, boolean stuck) {

    public Reason reason() {
        return reasons.isEmpty() ? null : reasons.get(0);
    }
}

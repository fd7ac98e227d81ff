package io.rqsweeper.diagnose;

import java.util.List;

/**
 * One queue's counts. A count is null when its key could not be read (see {@code problems}).
 *
 * @param name          queue name
 * @param queued        ids waiting in {@code rq:queue:<name>}
 * @param started       every entry of the started registry {@code rq:wip:<name>}, live or not
 * @param abandoned     what {@code sweep} with the same options would clean in this queue now: started entries it
 *                      judges abandoned (dangling and stale entries included) and ids a dead worker left in the
 *                      intermediate list
 * @param failed        entries of {@code rq:failed:<name>} that have not expired (RQ drops expired ones when it counts)
 * @param finished      entries of {@code rq:finished:<name>} that have not expired
 * @param deferred      entries of {@code rq:deferred:<name>}
 * @param scheduled     entries of {@code rq:scheduled:<name>}
 * @param canceled      entries of {@code rq:canceled:<name>}
 * @param abandonedIds  the first abandoned job ids found (at most {@link StatusService#ABANDONED_IDS_SHOWN}), for
 *                      {@code inspect}
 * @param problems      why a count is missing or which entries could not be read
 */
public record QueueCounts(String name, Long queued, Long started, Long abandoned, Long failed, Long finished,
                          Long deferred, Long scheduled, Long canceled, List<String> abandonedIds, List<String> problems) {
}

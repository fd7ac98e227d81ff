package io.rqsweeper.diagnose;

import java.util.List;

/**
 * Everything Redis holds about one job, and the sweep's verdict on it, read without changing anything.
 *
 * @param redisAvailable Redis could be reached; when false nothing else is known
 * @param redisProblem   why Redis was unavailable or refused a read the inspection needed, or null
 * @param now            Redis's clock (epoch seconds) when read
 * @param id             the job id asked for
 * @param key            {@code rq:job:<id>}
 * @param keyType        Redis type of that key: {@code hash}, {@code none} (gone), or another type (not an RQ job)
 * @param fields         the job hash's fields, safely decoded, in a reading order (status and origin first)
 * @param places         every queue, intermediate list, registry and group that lists the job
 * @param executions     its executions (RQ 2.x): from {@code rq:executions:<id>} and started-registry members
 * @param worker         the worker named in its {@code worker_name}, or null when it names none
 * @param workerClaims   that worker's hash says it runs this job ({@code current_job}, or its executions set)
 * @param dependencies   jobs it waits for, with their status
 * @param dependents     jobs waiting for it, with their status
 * @param results        its results stream {@code rq:results:<id>} (RQ 1.12+), or null when there is none
 * @param verdicts       one per started-registry entry (or one for the job as a whole when it has none)
 * @param problems       keys that could not be read, each named
 */
public record JobInspection(boolean redisAvailable, String redisProblem, long now, String id, String key, String keyType,
                            List<FieldView> fields, List<Place> places, List<ExecutionView> executions, WorkerView worker,
                            boolean workerClaims, List<Related> dependencies, List<Related> dependents, Results results,
                            List<JobVerdict> verdicts, List<String> problems) {

    public static JobInspection unavailable(String id, String problem) {
        return new JobInspection(false, problem, 0, id, null, null, List.of(), List.of(), List.of(), null, false, List.of(),
                List.of(), null, List.of(), List.of());
    }

    /** Redis could be reached but refused a read the inspection needs: nothing can be said about the job. */
    public static JobInspection unanswered(String id, String problem) {
        return new JobInspection(true, problem, 0, id, null, null, List.of(), List.of(), List.of(), null, false, List.of(),
                List.of(), null, List.of(), List.of());
    }

    /** Redis knows something about this id: its hash, or any key or collection that names it. */
    public boolean found() {
        return redisAvailable && redisProblem == null && (!"none".equals(keyType) || !places.isEmpty() || !executions.isEmpty()
                || results != null || !dependencies.isEmpty() || !dependents.isEmpty());
    }

    /** The text of a hash field, or null. */
    public String field(String name) {
        return fields.stream().filter(f -> f.name().equals(name) && f.value() != null).map(FieldView::value)
                .findFirst().orElse(null);
    }

    /**
     * Where the job is listed.
     *
     * @param kind     {@code queue}, {@code intermediate}, {@code started}, {@code failed}, {@code finished},
     *                 {@code deferred}, {@code scheduled}, {@code canceled} or {@code group}
     * @param key      the key that lists it
     * @param queue    the queue that key belongs to, or null (a group)
     * @param member   the member as stored ({@code <id>:<execution>} in an RQ 2.x started registry)
     * @param score    its score in a sorted set, or null
     * @param position its index in a list (0 = next to be taken), or null
     */
    public record Place(String kind, String key, String queue, String member, Double score, Long position) {
    }

    /**
     * One RQ 2.x execution of the job.
     *
     * @param id            execution id
     * @param key           {@code rq:execution:<job>:<execution>}
     * @param exists        that hash still exists (it expires with the heartbeat)
     * @param ttlSeconds    its TTL, or -2 when it is gone
     * @param createdAt     its {@code created_at} (float epoch text), or null
     * @param lastHeartbeat its {@code last_heartbeat} (float epoch text), or null
     * @param score         its score in {@code rq:executions:<job>} (heartbeat expiry + 60), or null when not listed
     * @param worker        its {@code worker_name} (RQ's newer layout), or null
     */
    public record ExecutionView(String id, String key, boolean exists, long ttlSeconds, String createdAt,
                                String lastHeartbeat, Double score, String worker) {
    }

    /** A job this one depends on, or that depends on it; {@code status} is null when its hash is gone. */
    public record Related(String id, String status) {
    }

    /**
     * The results stream.
     *
     * @param entries     entries in it (RQ keeps about the last 10)
     * @param latestType  the newest entry's type: {@code successful}, {@code failed}, {@code stopped},
     *                    {@code retried}, {@code max-retries-exceeded}, or its raw number
     * @param latestAtMs  when the newest entry was written (epoch milliseconds, from its stream id)
     */
    public record Results(long entries, String latestType, Long latestAtMs) {
    }
}

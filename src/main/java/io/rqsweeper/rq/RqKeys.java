package io.rqsweeper.rq;

import java.nio.charset.StandardCharsets;

/**
 * Every Redis key name RQ uses that rq-sweeper reads or writes, and rq-sweeper's own lock, built in this one place.
 * RQ concatenates the fixed prefix {@code rq:} with names and ids; it uses no hash tags, so neither do we.
 */
public final class RqKeys {
    public static final String QUEUES = "rq:queues";
    public static final String QUEUE_PREFIX = "rq:queue:";
    public static final String JOB_PREFIX = "rq:job:";
    public static final String WORKER_PREFIX = "rq:worker:";
    public static final String EXECUTION_PREFIX = "rq:execution:";

    private RqKeys() {
    }

    /** {@code rq:wip:<queue>}: the StartedJobRegistry. */
    public static String startedRegistry(String queue) {
        return "rq:wip:" + queue;
    }

    public static String failedRegistry(String queue) {
        return "rq:failed:" + queue;
    }

    public static String finishedRegistry(String queue) {
        return "rq:finished:" + queue;
    }

    public static String deferredRegistry(String queue) {
        return "rq:deferred:" + queue;
    }

    public static String scheduledRegistry(String queue) {
        return "rq:scheduled:" + queue;
    }

    public static String canceledRegistry(String queue) {
        return "rq:canceled:" + queue;
    }

    /** {@code rq:queue:<queue>}: the list of waiting job ids. */
    public static String queue(String queue) {
        return QUEUE_PREFIX + queue;
    }

    /** {@code rq:queue:<queue>:intermediate}: ids popped by a worker but not yet started (RQ 1.15+). */
    public static String intermediateQueue(String queue) {
        return QUEUE_PREFIX + queue + ":intermediate";
    }

    /** Queue name from a member of {@code rq:queues}, or null when the member is not a queue key. */
    public static String queueNameFromKey(String queueKey) {
        return queueKey.startsWith(QUEUE_PREFIX) && queueKey.length() > QUEUE_PREFIX.length()
                ? queueKey.substring(QUEUE_PREFIX.length())
                : null;
    }

    public static String job(String jobId) {
        return JOB_PREFIX + jobId;
    }

    public static String dependents(String jobId) {
        return JOB_PREFIX + jobId + ":dependents";
    }

    /** Note RQ's double colon: {@code rq:job::<id>:dependencies}. */
    public static String dependencies(String jobId) {
        return dependenciesPrefix() + jobId + dependenciesSuffix();
    }

    public static String dependenciesPrefix() {
        return "rq:job::";
    }

    public static String dependenciesSuffix() {
        return ":dependencies";
    }

    /** {@code rq:results:<id>}: the results stream (RQ 1.12+). */
    public static String results(String jobId) {
        return "rq:results:" + jobId;
    }

    /** {@code rq:execution:<job>:<execution>} (RQ 2.x). */
    public static String execution(String jobId, String executionId) {
        return EXECUTION_PREFIX + jobId + ":" + executionId;
    }

    /** {@code rq:executions:<job>}: the per-job execution zset (RQ 2.x). */
    public static String executions(String jobId) {
        return "rq:executions:" + jobId;
    }

    public static String worker(String workerName) {
        return WORKER_PREFIX + workerName;
    }

    /** {@code rq:worker:<name>:executions}: executions a worker claims (RQ's unreleased main). */
    public static String workerExecutions(String workerName) {
        return WORKER_PREFIX + workerName + ":executions";
    }

    /** {@code rq:workers:<queue>}: keys of the workers listening on a queue. */
    public static String workersOfQueue(String queue) {
        return "rq:workers:" + queue;
    }

    /** The pub/sub channel a worker's main process (and any forked horse) listens on. */
    public static String workerChannel(String workerName) {
        return "rq:pubsub:" + workerName;
    }

    /** RQ's own maintenance lock for a queue. */
    public static String maintenanceLock(String queue) {
        return "rq:clean_registries:" + queue;
    }

    /**
     * {@code rq:sweeper-lock:<queue>}: rq-sweeper's own lock, held by the one sweeper working on a queue. Not an
     * RQ key (RQ uses no such name); inside RQ's {@code rq:} namespace so that a Redis ACL granting the
     * sweeper {@code ~rq:*} covers it.
     */
    public static String sweeperLock(String queue) {
        return "rq:sweeper-lock:" + queue;
    }

    /** {@code rq:group:<name>} (RQ 2.x). */
    public static String group(String name) {
        return "rq:group:" + name;
    }

    /** {@code rq:workers}: every registered worker key. */
    public static String workers() {
        return "rq:workers";
    }

    /** Worker name from a worker key ({@code rq:worker:<name>}), or null when it is not one. */
    public static String workerNameFromKey(String workerKey) {
        return workerKey.startsWith(WORKER_PREFIX) && workerKey.length() > WORKER_PREFIX.length()
                ? workerKey.substring(WORKER_PREFIX.length())
                : null;
    }

    /** SCAN pattern matching every worker key (and, on RQ's newer layout, {@code rq:worker:<name>:executions}). */
    public static String workerKeyPattern() {
        return WORKER_PREFIX + "*";
    }

    /** {@code rq:suspended}: set by {@code rq suspend}; while it exists, workers take no new jobs (and run no maintenance). */
    public static String suspended() {
        return "rq:suspended";
    }

    /** {@code rq:queue:<queue>:intermediate:first_seen:<id>}: when maintenance first saw an id stuck there (RQ 1.16.2+). */
    public static String intermediateFirstSeen(String queue, String jobId) {
        return intermediateQueue(queue) + ":first_seen:" + jobId;
    }

    /**
     * The prefixes Lua scripts derive key names from, for keys that depend on data only Redis knows (a
     * dependent's id, a job's origin), as the fields of a Lua table literal ({@code K} in {@code lua/common.lua}).
     */
    public static String luaPrefixTable() {
        java.util.Map<String, String> p = new java.util.LinkedHashMap<>();
        p.put("JOB", JOB_PREFIX);
        p.put("DEPS", dependenciesPrefix());
        p.put("DEPS_SUFFIX", dependenciesSuffix());
        p.put("QUEUE", QUEUE_PREFIX);
        p.put("WIP", startedRegistry(""));
        p.put("FAILED", failedRegistry(""));
        p.put("FINISHED", finishedRegistry(""));
        p.put("DEFERRED", deferredRegistry(""));
        p.put("SCHEDULED", scheduledRegistry(""));
        p.put("CANCELED", canceledRegistry(""));
        p.put("RESULTS", results(""));
        p.put("EXECUTION", EXECUTION_PREFIX);
        p.put("EXECUTIONS", executions(""));
        p.put("QUEUES", QUEUES);
        p.put("GROUP", group(""));
        p.put("WORKER", WORKER_PREFIX);
        p.put("PUBSUB", workerChannel(""));
        StringBuilder lua = new StringBuilder();
        p.forEach((name, prefix) -> lua.append(name).append(" = '").append(prefix).append("', "));
        return lua.toString();
    }

    public static byte[] bytes(String key) {
        return key.getBytes(StandardCharsets.UTF_8);
    }
}

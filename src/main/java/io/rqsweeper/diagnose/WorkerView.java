package io.rqsweeper.diagnose;

import java.util.List;

/**
 * One worker as Redis shows it: its hash {@code rq:worker:<name>}, its registration in {@code rq:workers}, and
 * whether its process still listens on its pub/sub channel.
 *
 * @param name          worker name
 * @param key           {@code rq:worker:<name>}
 * @param keyType       Redis type of the key: {@code hash}, {@code none} when it is gone, or another type
 * @param registered    listed in {@code rq:workers}
 * @param queues        the queues it listens on (its {@code queues} field), empty when unknown
 * @param state         its {@code state} field ({@code started}, {@code idle}, {@code busy}, {@code suspended}), or null
 * @param birth         its {@code birth} timestamp text, or null
 * @param lastHeartbeat its {@code last_heartbeat} timestamp text, or null
 * @param death         its {@code death} timestamp text (written at a clean exit), or null
 * @param ttlSeconds    TTL of the key: seconds left, {@code -1} for none (a ghost), {@code -2} when the key is gone
 * @param subscribers   subscribers of {@code rq:pubsub:<name>}: its main process, or a work horse that outlived it
 * @param currentJob    the job it runs: its {@code current_job} field (RQ up to 2.12), else the job of the first
 *                      member of {@code rq:worker:<name>:executions} (RQ's newer layout), or null
 * @param pid           its {@code pid} field, or null
 * @param hostname      its {@code hostname} field, or null
 * @param version       its {@code version} field (the RQ release), or null
 */
public record WorkerView(String name, String key, String keyType, boolean registered, List<String> queues, String state,
                         String birth, String lastHeartbeat, String death, long ttlSeconds, long subscribers,
                         String currentJob, String pid, String hostname, String version) {

    /** Ghost flag: the worker hash has no TTL. RQ always sets one; an orphaned horse's counters recreate the key without. */
    public static final String NO_TTL = "no-ttl";
    /** Ghost flag: listed in {@code rq:workers} but its hash is gone (RQ's maintenance prunes these). */
    public static final String NO_KEY = "no-key";

    public boolean keyExists() {
        return !"none".equals(keyType);
    }

    /**
     * Alive: the hash exists without a {@code death} and a process listens on the worker's channel. A SIGKILLed
     * worker's hash lives on for up to its TTL (90 s busy, 480 s idle), so the hash alone does not tell.
     */
    public boolean alive() {
        return "hash".equals(keyType) && death == null && subscribers > 0;
    }

    /** Why this worker key is a ghost; empty when it is not. */
    public List<String> ghost() {
        if ("hash".equals(keyType) && ttlSeconds == -1) {
            return List.of(NO_TTL);
        }
        if (registered && !keyExists()) {
            return List.of(NO_KEY);
        }
        return List.of();
    }
}

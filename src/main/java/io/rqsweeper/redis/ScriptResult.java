package io.rqsweeper.redis;

import io.vertx.redis.client.Response;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What a mutation script did, or in a dry run would do.
 *
 * @param code        the outcome, e.g. {@code failed}, {@code changed}, {@code error}
 * @param detail      outcome-specific text (retries left, why nothing was written, …)
 * @param fingerprint SHA1 of the job's own keys after the writes ('' in a dry run)
 * @param changes     every write, as (kind, key, member, structure): kind {@code own} (a key of the job alone),
 *                    {@code shared} (the job's membership in a shared key) or {@code other} (another job's key)
 */
public record ScriptResult(String code, String detail, String fingerprint, List<Change> changes) {

    /** One write: kind, key, member (shared writes) and the shared key's structure (zset, set, list). */
    public record Change(String kind, String key, String member, String structure) {
        public boolean isOwn() {
            return "own".equals(kind);
        }

        public boolean isShared() {
            return "shared".equals(kind);
        }
    }

    /**
     * Reads one job's result: code, detail, fingerprint, then four entries per write (see lua/common.lua). A write
     * repeated (another job's key written for each of its dependents) is listed once.
     */
    static ScriptResult of(Response reply) {
        Set<Change> changes = new LinkedHashSet<>();
        for (int i = 3; i + 3 < reply.size(); i += 4) {
            changes.add(new Change(text(reply.get(i)), text(reply.get(i + 1)), text(reply.get(i + 2)), text(reply.get(i + 3))));
        }
        return new ScriptResult(text(reply.get(0)), reply.size() > 1 ? text(reply.get(1)) : "",
                reply.size() > 2 ? text(reply.get(2)) : "", List.copyOf(changes));
    }

    private static String text(Response r) {
        return r == null ? "" : r.toString();
    }

    /** The distinct keys written, in order. */
    public List<String> keysChanged() {
        Set<String> keys = new LinkedHashSet<>();
        changes.forEach(c -> keys.add(c.key()));
        return List.copyOf(keys);
    }
}

package io.rqsweeper.backup;

import io.rqsweeper.redis.RedisCommandException;
import io.rqsweeper.redis.RedisSession;
import io.rqsweeper.redis.ScriptResult;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Response;

import java.util.ArrayList;
import java.util.List;

/**
 * A job's state before a change, limited to what the change will touch: its own keys whole (DUMP and TTL),
 * and for shared keys only its membership (never a whole shared key).
 *
 * @param ownKeys     the job's own keys as they were
 * @param memberships its membership in shared keys as it was
 */
public record JobSnapshot(List<OwnKey> ownKeys, List<Membership> memberships) {

    /** A key of the job alone. {@code dump} is null when the key did not exist; {@code pttl} 0 = no expiry. */
    public record OwnKey(String key, byte[] dump, long pttl) {
    }

    /**
     * The job's place in a shared key: {@code structure} zset, set or list; {@code score} is the zset score, or
     * the list index (position) of the member.
     */
    public record Membership(String structure, String key, String member, boolean present, String score) {
    }

    /** Reads, before the change, everything the planned writes ({@code plan}, from a dry run) will touch. */
    public static JobSnapshot take(RedisSession redis, ScriptResult plan) {
        List<OwnKey> own = new ArrayList<>();
        List<Membership> memberships = new ArrayList<>();
        for (ScriptResult.Change c : plan.changes()) {
            if (c.isOwn()) {
                if (own.stream().noneMatch(o -> o.key().equals(c.key()))) {
                    Response dump = redis.send(Command.DUMP, c.key());
                    long pttl = redis.send(Command.PTTL, c.key()).toLong();
                    own.add(new OwnKey(c.key(), dump == null ? null : dump.toBytes(), Math.max(pttl, 0)));
                }
            } else if (c.isShared()) {
                memberships.add(membership(redis, c));
            }
        }
        return new JobSnapshot(List.copyOf(own), List.copyOf(memberships));
    }

    private static Membership membership(RedisSession redis, ScriptResult.Change c) {
        return switch (c.structure()) {
            case "zset" -> {
                Response score = redis.send(Command.ZSCORE, c.key(), c.member());
                yield new Membership("zset", c.key(), c.member(), score != null, score == null ? "" : score.toString());
            }
            case "set" -> new Membership("set", c.key(), c.member(),
                    redis.send(Command.SISMEMBER, c.key(), c.member()).toLong() == 1, "");
            default -> {
                long index = listIndex(redis, c.key(), c.member());
                yield new Membership("list", c.key(), c.member(), index >= 0, index >= 0 ? Long.toString(index) : "");
            }
        };
    }

    /** The member's index in the list, or -1. */
    private static long listIndex(RedisSession redis, String key, String value) {
        try {
            Response pos = redis.send(Command.LPOS, key, value);
            return pos == null ? -1 : pos.toLong();
        } catch (RedisCommandException e) {
            // Redis before 6.0.6 has no LPOS.
            long i = 0;
            for (Response r : redis.send(Command.LRANGE, key, "0", "-1")) {
                if (r.toString().equals(value)) {
                    return i;
                }
                i++;
            }
            return -1;
        }
    }
}

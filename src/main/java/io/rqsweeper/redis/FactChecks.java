package io.rqsweeper.redis;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The facts a decision was made on, passed to a Lua script that re-checks them inside Redis before
 * writing (see {@code lua/common.lua}). Values are compared byte for byte.
 */
public final class FactChecks {
    private final List<Object> args = new ArrayList<>();
    private int count;

    public FactChecks zscore(String key, String member, String score) {
        return add("zscore", key, member, score == null ? "-" : score);
    }

    public FactChecks lapsed(String key, String member, long marginSeconds) {
        return add("lapsed", key, member, Long.toString(marginSeconds));
    }

    /** The hash field still has {@code value} (null: still absent). */
    public FactChecks hget(String key, String field, byte[] value) {
        return add("hget", key, field, value == null ? "-".getBytes(StandardCharsets.UTF_8) : concat('=', value));
    }

    public FactChecks hexists(String key, String field, boolean exists) {
        return add("hexists", key, field, exists ? "1" : "0");
    }

    public FactChecks exists(String key, boolean exists) {
        return add("exists", key, "", exists ? "1" : "0");
    }

    public FactChecks sismember(String key, String member, boolean isMember) {
        return add("sismember", key, member, isMember ? "1" : "0");
    }

    /** The list still holds {@code value} (or still does not). */
    public FactChecks inList(String key, String value, boolean present) {
        return add("lhas", key, value, present ? "1" : "0");
    }

    public FactChecks subscribed(String channel, boolean hasSubscribers) {
        return add("numsub", channel, "", hasSubscribers ? "1" : "0");
    }

    /** The script's ARGV prefix: the number of checks, then four arguments per check. */
    public List<Object> toArgs() {
        List<Object> all = new ArrayList<>(args.size() + 1);
        all.add(Integer.toString(count));
        all.addAll(args);
        return all;
    }

    private FactChecks add(String kind, String key, String field, Object expected) {
        args.add(kind);
        args.add(key);
        args.add(field);
        args.add(expected);
        count++;
        return this;
    }

    private static byte[] concat(char prefix, byte[] value) {
        byte[] out = new byte[value.length + 1];
        out[0] = (byte) prefix;
        System.arraycopy(value, 0, out, 1, value.length);
        return out;
    }
}

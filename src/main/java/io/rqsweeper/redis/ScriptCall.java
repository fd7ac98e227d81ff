package io.rqsweeper.redis;

import java.util.ArrayList;
import java.util.List;

/**
 * The arguments of a mutation script, in the layout {@code lua/common.lua} reads: the fact checks, the
 * dry-run flag, the key prefixes, then the script's own arguments.
 */
public final class ScriptCall {
    private final LuaScript script;
    private final List<Object> keys = new ArrayList<>();
    private final List<Object> args = new ArrayList<>();

    public ScriptCall(LuaScript script, FactChecks facts, boolean dryRun, String keyPrefixes) {
        this.script = script;
        args.addAll(facts.toArgs());
        args.add(dryRun ? "1" : "0");
        args.add(keyPrefixes);
    }

    public ScriptCall key(String key) {
        keys.add(key);
        return this;
    }

    /** A script argument: a String, a byte[] or a number. */
    public ScriptCall arg(Object value) {
        args.add(value);
        return this;
    }

    public ScriptResult run(RedisSession redis) {
        return ScriptResult.of(redis.eval(script, keys, args));
    }
}

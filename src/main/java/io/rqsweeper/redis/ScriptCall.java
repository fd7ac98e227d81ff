package io.rqsweeper.redis;

import java.util.ArrayList;
import java.util.List;

/**
 * The arguments of a mutation script, in the layout {@code lua/common.lua} reads: the fact checks, the
 * mode, then the script's own arguments.
 */
public final class ScriptCall {
    private final LuaScript script;
    private final List<Object> keys = new ArrayList<>();
    private final List<Object> args = new ArrayList<>();

    /** How the script runs: {@code WRITE}, {@code PLAN} (dry run: no write) or {@code WRITE_AND_FINGERPRINT}. */
    public enum Mode {
        WRITE("0"), PLAN("1"), WRITE_AND_FINGERPRINT("f");

        final String flag;

        Mode(String flag) {
            this.flag = flag;
        }
    }

    public ScriptCall(LuaScript script, FactChecks facts, boolean dryRun) {
        this(script, facts, dryRun ? Mode.PLAN : Mode.WRITE);
    }

    public ScriptCall(LuaScript script, FactChecks facts, Mode mode) {
        this.script = script;
        args.addAll(facts.toArgs());
        args.add(mode.flag);
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

    /** The EVALSHA request, to pipeline with others ({@link RedisSession#sendAll}). */
    public io.vertx.redis.client.Request request() {
        return RedisSession.evalShaRequest(script, keys, args);
    }

    /**
     * Runs many calls pipelined; each is still its own atomic script. A call whose script Redis no longer
     * knows (SCRIPT FLUSH meanwhile) is run again on its own. A reply that is an error becomes that error.
     */
    public static List<Object> runAll(RedisSession redis, List<ScriptCall> calls) {
        List<io.vertx.redis.client.Request> requests = new ArrayList<>(calls.size());
        calls.forEach(c -> requests.add(c.request()));
        List<Object> replies = redis.sendAll(requests);
        List<Object> results = new ArrayList<>(replies.size());
        for (int i = 0; i < replies.size(); i++) {
            Object r = replies.get(i);
            if (r instanceof RedisCommandException e && e.isNoScript()) {
                try {
                    results.add(calls.get(i).run(redis));
                } catch (RedisCommandException again) {
                    results.add(again);
                }
            } else if (r instanceof io.vertx.redis.client.Response response) {
                results.add(ScriptResult.of(response));
            } else {
                results.add(r);
            }
        }
        return results;
    }
}

package io.rqsweeper.redis;

import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * One job's part of a mutation script call, in the layout {@code lua/common.lua} reads: its keys, its fact
 * checks, then the script's own arguments. Calls of the same script and mode travel together, many jobs to
 * one EVALSHA ({@link #runAll}); each job is still decided on its own facts inside Redis.
 */
public final class ScriptCall {
    /**
     * Jobs per EVALSHA. A job costs Redis 40–70 µs, so a call takes a few milliseconds: far below the 20 ms that
     * would delay other clients (workers' heartbeats) noticeably, with room for a busy machine.
     */
    static final int JOBS_PER_CALL = 50;
    /** Argument bytes per EVALSHA, so that jobs with large arguments (failure texts) make smaller calls. */
    static final int BYTES_PER_CALL = 1 << 20;

    private final LuaScript script;
    private final Mode mode;
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
        this.mode = mode;
        args.addAll(facts.toArgs());
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

    /** Runs this one call; a reply that is an error is thrown. */
    public ScriptResult run(RedisSession redis) {
        Object result = runAll(redis, List.of(this)).get(0);
        if (result instanceof RuntimeException e) {
            throw e;
        }
        return (ScriptResult) result;
    }

    /**
     * Runs many calls: consecutive calls of one script and mode are sent as one EVALSHA per
     * {@link #JOBS_PER_CALL} jobs, and those are pipelined. Each result is the job's {@link ScriptResult}, or
     * the {@link RedisCommandException} its call was answered with. A call whose script Redis no longer knows
     * (SCRIPT FLUSH meanwhile) is sent again ({@link RedisSession#afterNoScript}).
     */
    public static List<Object> runAll(RedisSession redis, List<ScriptCall> calls) {
        return start(redis, calls).get();
    }

    /**
     * Sends the calls as {@link #runAll} does and returns at once, so that the caller can do other work while Redis
     * runs them; {@code get()} waits for the results.
     */
    public static Supplier<List<Object>> start(RedisSession redis, List<ScriptCall> calls) {
        List<List<ScriptCall>> batches = batches(calls);
        List<Request> requests = new ArrayList<>(batches.size());
        batches.forEach(b -> requests.add(request(b)));
        RedisSession.Sent sent = redis.send(requests);
        return () -> results(redis, calls, batches, sent.replies());
    }

    private static List<Object> results(RedisSession redis, List<ScriptCall> calls, List<List<ScriptCall>> batches,
                                        List<Object> replies) {
        List<Object> results = new ArrayList<>(calls.size());
        for (int i = 0; i < batches.size(); i++) {
            List<ScriptCall> batch = batches.get(i);
            Object reply = replies.get(i);
            if (reply instanceof RedisCommandException e && e.isNoScript()) {
                reply = redis.afterNoScript(batch.get(0).script, withSource -> request(batch, withSource));
            }
            addResults(results, batch, reply);
        }
        return results;
    }

    private static void addResults(List<Object> results, List<ScriptCall> batch, Object reply) {
        if (reply instanceof Response response && response.size() == batch.size()) {
            for (Response one : response) {
                results.add(ScriptResult.of(one));
            }
            return;
        }
        RuntimeException error = reply instanceof RuntimeException e ? e
                : new RedisCommandException("unexpected reply from script " + batch.get(0).script.name());
        batch.forEach(c -> results.add(error));
    }

    private static List<List<ScriptCall>> batches(List<ScriptCall> calls) {
        List<List<ScriptCall>> batches = new ArrayList<>();
        List<ScriptCall> current = new ArrayList<>();
        long bytes = 0;
        for (ScriptCall c : calls) {
            long size = c.approximateBytes();
            if (!current.isEmpty() && (current.size() >= JOBS_PER_CALL || bytes + size > BYTES_PER_CALL
                    || current.get(0).script != c.script || current.get(0).mode != c.mode)) {
                batches.add(current);
                current = new ArrayList<>();
                bytes = 0;
            }
            current.add(c);
            bytes += size;
        }
        if (!current.isEmpty()) {
            batches.add(current);
        }
        return batches;
    }

    /** EVALSHA sha numkeys <every job's keys> mode J <per job: key count, argument count, arguments>. */
    private static Request request(List<ScriptCall> batch) {
        return request(batch, false);
    }

    /** EVALSHA, or with {@code source} EVAL and the script's text. */
    private static Request request(List<ScriptCall> batch, boolean source) {
        ScriptCall first = batch.get(0);
        int keyCount = batch.stream().mapToInt(c -> c.keys.size()).sum();
        Request request = source
                ? Request.cmd(Command.EVAL).arg(first.script.source().getBytes(java.nio.charset.StandardCharsets.UTF_8)).arg(keyCount)
                : Request.cmd(Command.EVALSHA).arg(first.script.sha1()).arg(keyCount);
        batch.forEach(c -> c.keys.forEach(k -> RedisSession.addArg(request, k)));
        request.arg(first.mode.flag).arg(batch.size());
        for (ScriptCall c : batch) {
            request.arg(c.keys.size()).arg(c.args.size());
            c.args.forEach(a -> RedisSession.addArg(request, a));
        }
        return request;
    }

    private long approximateBytes() {
        long n = 0;
        for (Object o : keys) {
            n += o instanceof byte[] b ? b.length : o.toString().length();
        }
        for (Object o : args) {
            n += o instanceof byte[] b ? b.length : o.toString().length();
        }
        return n;
    }
}

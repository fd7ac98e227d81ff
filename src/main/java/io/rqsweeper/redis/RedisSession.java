package io.rqsweeper.redis;

import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.redis.client.ResponseType;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One blocking connection to Redis for the length of a command or a sweep. Every call is bounded by the
 * configured timeout, so a hung Redis can never block a deploy.
 */
public final class RedisSession implements AutoCloseable {
    private final Redis client;
    private final RedisConnection connection;
    private final RedisTarget target;
    private final Duration timeout;

    RedisSession(Redis client, RedisConnection connection, RedisTarget target, Duration timeout) {
        this.client = client;
        this.connection = connection;
        this.target = target;
        this.timeout = timeout;
    }

    /** Sends one command; each argument is a String (UTF-8), a byte[] or a number. Null replies come back as null. */
    public Response send(Command command, Object... args) {
        Request request = Request.cmd(command);
        for (Object arg : args) {
            addArg(request, arg);
        }
        return await(connection.send(request), target, timeout, command.toString());
    }

    /** Runs a Lua script with EVALSHA, loading it first when Redis does not know it (NOSCRIPT). */
    public Response eval(LuaScript script, List<?> keys, List<?> args) {
        Function<Boolean, Request> request = withSource -> {
            Request r = withSource
                    ? Request.cmd(Command.EVAL).arg(script.source()).arg(keys.size())
                    : Request.cmd(Command.EVALSHA).arg(script.sha1()).arg(keys.size());
            keys.forEach(k -> addArg(r, k));
            args.forEach(a -> addArg(r, a));
            return r;
        };
        Object reply;
        try {
            reply = await(connection.send(request.apply(false)), target, timeout, "EVALSHA " + script.name());
        } catch (RedisCommandException e) {
            if (!e.isNoScript()) {
                throw e;
            }
            reply = afterNoScript(script, request);
        }
        if (reply instanceof RedisCommandException e) {
            throw e;
        }
        return (Response) reply;
    }

    /**
     * What Redis answers a script call that met NOSCRIPT (SCRIPT FLUSH meanwhile): the script is loaded and the
     * EVALSHA {@code request(false)} sent again. Only if the scripts were flushed once more in between is it sent
     * as EVAL with the source ({@code request(true)}), which cannot meet NOSCRIPT; EVAL comes last because the
     * sweeper's least-privilege ACL user may run EVALSHA and SCRIPT LOAD only. A {@link Response}, or the
     * {@link RedisCommandException} Redis answered.
     */
    public Object afterNoScript(LuaScript script, Function<Boolean, Request> request) {
        try {
            load(script);
            Object reply = sendAll(List.of(request.apply(false))).get(0);
            if (reply instanceof RedisCommandException e && e.isNoScript()) {
                reply = sendAll(List.of(request.apply(true))).get(0);
            }
            return reply;
        } catch (RedisCommandException e) {
            return e;
        }
    }

    /** Loads a script so that EVALSHA calls find it. */
    public void load(LuaScript script) {
        send(Command.SCRIPT, "LOAD", script.source());
    }

    /** A request built like {@link #send}'s, for {@link #sendAll}. */
    public static Request request(Command command, Object... args) {
        Request request = Request.cmd(command);
        for (Object arg : args) {
            addArg(request, arg);
        }
        return request;
    }

    /**
     * Read-only requests in one batch: one hand-over to the I/O thread and one wake-up for all the replies.
     * When Redis answers any of them with an error, the batch is sent again one request at a time
     * ({@link #sendAll}), which reads can afford and which tells which one failed.
     */
    public List<Object> readAll(List<Request> requests) {
        if (requests.isEmpty()) {
            return List.of();
        }
        List<Response> replies;
        try {
            replies = await(connection.batch(requests), target,
                    timeout.plusMillis(requests.size()), "a batch of " + requests.size() + " reads");
        } catch (RedisCommandException e) {
            return sendAll(requests);
        }
        List<Object> out = new java.util.ArrayList<>(replies.size());
        for (Response r : replies) {
            out.add(r != null && r.type() == ResponseType.ERROR ? new RedisCommandException(target.scrub(r.toString())) : r);
        }
        return out;
    }

    /**
     * Sends every request without waiting for the replies in between (pipelining), then collects them in
     * order. A reply is a {@link Response} (null for a nil reply) or the {@link RedisCommandException} Redis
     * answered that one request with; losing Redis altogether throws {@link RedisUnavailableException}.
     */
    public List<Object> sendAll(List<Request> requests) {
        return send(requests).replies();
    }

    /** Sends every request (pipelining) and returns at once; {@link Sent#replies()} collects the replies. */
    public Sent send(List<Request> requests) {
        List<Future<Response>> futures = new java.util.ArrayList<>(requests.size());
        for (Request r : requests) {
            futures.add(connection.send(r));
        }
        return new Sent(futures);
    }

    /** Requests on their way; their replies in order, as {@link #sendAll} gives them. */
    public final class Sent {
        private final List<Future<Response>> futures;

        private Sent(List<Future<Response>> futures) {
            this.futures = futures;
        }

        public List<Object> replies() {
            // Each reply must come within the timeout of the one before: a long pipeline is not a hung Redis.
            List<Object> replies = new java.util.ArrayList<>(futures.size());
            for (Future<Response> f : futures) {
                try {
                    replies.add(await(f, target, timeout, "a pipelined command"));
                } catch (RedisCommandException e) {
                    replies.add(e);
                }
            }
            return replies;
        }
    }

    public RedisTarget target() {
        return target;
    }

    @Override
    public void close() {
        try {
            connection.close().toCompletionStage().toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception ignored) {
            // Closing is best effort; the process is about to move on or exit.
        }
        client.close();
    }

    static void addArg(Request request, Object arg) {
        if (arg instanceof byte[] b) {
            request.arg(b);
        } else if (arg instanceof String s) {
            request.arg(s.getBytes(StandardCharsets.UTF_8));
        } else if (arg instanceof Number n) {
            request.arg(n.toString());
        } else {
            throw new IllegalArgumentException("unsupported Redis argument type " + arg);
        }
    }

    static <T> T await(Future<T> future, RedisTarget target, Duration timeout, String what) {
        try {
            T result = future.toCompletionStage().toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (result instanceof Response r && r.type() == ResponseType.ERROR) {
                String message = target.scrub(r.toString());
                if (message.startsWith("NOAUTH")) {
                    throw authenticationFailed(target, message);
                }
                throw new RedisCommandException(message);
            }
            return result;
        } catch (TimeoutException e) {
            throw new RedisUnavailableException("Redis at " + target.redacted() + " did not answer " + what
                    + " within " + timeout.toMillis() + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RedisUnavailableException("interrupted while waiting for Redis");
        } catch (ExecutionException e) {
            throw translate(e.getCause(), target);
        }
    }

    static RuntimeException translate(Throwable cause, RedisTarget target) {
        String message = cause == null ? "unknown error" : String.valueOf(cause.getMessage());
        Throwable root = cause;
        while (root != null && root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (root != null && root != cause && root.getMessage() != null && !message.contains(root.getMessage())) {
            // e.g. "Failed to create SSL connection" says less than the certificate problem beneath it.
            String detail = root.getMessage();
            message += " (" + (detail.length() > 200 ? detail.substring(0, 200) + "…" : detail) + ")";
        }
        message = target.scrub(message);
        if (isAuthenticationError(message)) {
            return authenticationFailed(target, message);
        }
        if (cause instanceof io.vertx.redis.client.impl.types.ErrorType || message.startsWith("WRONGTYPE")
                || message.startsWith("ERR") || message.startsWith("NOSCRIPT") || message.startsWith("NOPERM")
                || message.startsWith("BUSY") || message.startsWith("READONLY")) {
            return new RedisCommandException(message);
        }
        return new RedisUnavailableException("Redis at " + target.redacted() + " is unavailable: " + message);
    }

    static boolean isAuthenticationError(String message) {
        return message != null && (message.startsWith("WRONGPASS") || message.startsWith("NOAUTH")
                || message.contains("invalid password") || message.contains("invalid username-password")
                || message.contains("called without any password configured"));
    }

    /** The message names authentication and the error code only: Redis's text may quote what was sent. */
    static RedisAuthenticationException authenticationFailed(RedisTarget target, String message) {
        return new RedisAuthenticationException("authentication failed: Redis at " + target.redacted()
                + " rejected the credentials (" + firstWord(message) + ")");
    }

    private static String firstWord(String message) {
        int space = message.indexOf(' ');
        return space < 0 ? message : message.substring(0, space);
    }
}

package io.rqsweeper.cli;

import io.rqsweeper.redis.RedisTarget;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Map;

/** Connection options shared by every command that talks to Redis. */
public class ConnectionOptions {

    @Option(names = "--redis-url", paramLabel = "URL",
            description = {"redis://[user:password@]host:port/db or rediss://… Default: $RQ_SWEEPER_REDIS_URL, "
                    + "else $RQ_REDIS_URL, else redis://localhost:6379/0.",
                    "Pass the password in $RQ_SWEEPER_REDIS_PASSWORD to keep it out of process listings."})
    String redisUrl;

    @Option(names = "--timeout", paramLabel = "DURATION",
            description = "Bound on connecting and on each Redis command (default: 5s, or rq-sweeper.redis.timeout).")
    String timeout;

    public RedisTarget target(Map<String, String> env) {
        return RedisTarget.resolve(redisUrl, env);
    }

    public Duration timeout(SweeperConfig config) {
        return timeout == null ? config.redis().timeout() : Durations.parse(timeout, ChronoUnit.SECONDS);
    }
}

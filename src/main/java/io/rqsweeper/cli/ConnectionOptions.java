package io.rqsweeper.cli;

import io.rqsweeper.redis.RedisTarget;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Map;

/** Connection options shared by every command that talks to Redis. */
public class ConnectionOptions {
    static final String ENV_TLS_CA = "RQ_SWEEPER_REDIS_TLS_CA";

    @Option(names = "--redis-url", paramLabel = "URL",
            description = {"redis://[user:password@]host:port/db or rediss://… Default: $RQ_SWEEPER_REDIS_URL, "
                    + "else $RQ_REDIS_URL, else redis://localhost:6379/0.",
                    "Pass the password in $RQ_SWEEPER_REDIS_PASSWORD to keep it out of process listings."})
    String redisUrl;

    @Option(names = "--timeout", paramLabel = "DURATION",
            description = "Bound on connecting and on each Redis command (default: 5s, or rq-sweeper.redis.timeout).")
    String timeout;

    @Option(names = "--tls-ca", paramLabel = "FILE",
            description = "PEM file of the CA(s) to trust for rediss:// (default: $RQ_SWEEPER_REDIS_TLS_CA, else the JVM's trust store).")
    Path tlsCa;

    /** Where to connect and how long to wait, from these options, the environment and the config. */
    public record Connection(RedisTarget target, Duration timeout) {
    }

    /**
     * Resolves the connection, or fails with a usage error (exit 2) that names what is wrong.
     */
    public Connection resolve(picocli.CommandLine commandLine, SweeperConfig config) {
        try {
            return new Connection(target(System.getenv()), timeout(config));
        } catch (IllegalArgumentException e) {
            throw new picocli.CommandLine.ParameterException(commandLine, e.getMessage());
        }
    }

    public RedisTarget target(Map<String, String> env) {
        Path ca = tlsCa;
        if (ca == null && env.get(ENV_TLS_CA) != null && !env.get(ENV_TLS_CA).isBlank()) {
            ca = Path.of(env.get(ENV_TLS_CA));
        }
        return RedisTarget.resolve(redisUrl, env).withTlsCa(ca);
    }

    public Duration timeout(SweeperConfig config) {
        return timeout == null ? config.redis().timeout() : Durations.parse(timeout, ChronoUnit.SECONDS);
    }
}

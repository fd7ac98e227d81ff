package io.rqsweeper.cli;

import io.rqsweeper.redis.RedisTarget;
import io.rqsweeper.redis.Sentinels;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

/** Connection options shared by every command that talks to Redis. */
public class ConnectionOptions {
    static final String ENV_TLS_CA = "RQ_SWEEPER_REDIS_TLS_CA";
    static final String ENV_SENTINELS = "RQ_SWEEPER_SENTINELS";
    static final String ENV_MASTER_NAME = "RQ_SWEEPER_SENTINEL_MASTER";
    static final String ENV_SENTINEL_PASSWORD = "RQ_SWEEPER_SENTINEL_PASSWORD";

    @Option(names = "--redis-url", paramLabel = "URL",
            description = {"redis://[user:password@]host:port/db or rediss://… Default: $RQ_SWEEPER_REDIS_URL, "
                    + "else $RQ_REDIS_URL, else redis://localhost:6379/0.",
                    "Keep the password out of process listings: --password-file or $RQ_SWEEPER_REDIS_PASSWORD "
                            + "(an ACL user goes in the URL as redis://user:@host:6379/0)."})
    String redisUrl;

    @Option(names = "--password-file", paramLabel = "FILE",
            description = "Read the Redis password from FILE (one line; a trailing newline is ignored). Wins over "
                    + "$RQ_SWEEPER_REDIS_PASSWORD, which wins over the URL's password.")
    Path passwordFile;

    @Option(names = "--sentinel", paramLabel = "HOST:PORT", split = ",",
            description = {"Find the master through Redis Sentinel, asking these sentinels in order (comma-separated "
                    + "or repeated; default: $RQ_SWEEPER_SENTINELS). Needs --master-name.",
                    "The master's user, password, database and TLS come from --redis-url as usual; its host and port "
                            + "are not used."})
    List<String> sentinels;

    @Option(names = "--master-name", paramLabel = "NAME",
            description = "The master's name in the sentinels' configuration (default: $RQ_SWEEPER_SENTINEL_MASTER).")
    String masterName;

    @Option(names = "--sentinel-password-file", paramLabel = "FILE",
            description = "Read the sentinels' own password from FILE (default: $RQ_SWEEPER_SENTINEL_PASSWORD, else "
                    + "none: sentinels often have no password, or another one than the master).")
    Path sentinelPasswordFile;

    @Option(names = "--timeout", paramLabel = "DURATION",
            description = "Bound on connecting and on each Redis command (default: 5s, or rq-sweeper.redis.timeout).")
    String timeout;

    @Option(names = "--tls-ca", paramLabel = "FILE",
            description = "PEM file of the CA(s) to trust for rediss:// (default: $RQ_SWEEPER_REDIS_TLS_CA, else the JVM's trust store).")
    Path tlsCa;

    @Option(names = "--tls-cert", paramLabel = "FILE",
            description = "PEM client certificate for a rediss:// server that asks for one (with --tls-key).")
    Path tlsCert;

    @Option(names = "--tls-key", paramLabel = "FILE",
            description = "PEM private key of --tls-cert (unencrypted).")
    Path tlsKey;

    @Option(names = "--wait", paramLabel = "DURATION",
            description = "Retry connecting until Redis answers, for up to DURATION (e.g. 30s), for a pipeline step "
                    + "that starts right after Redis. A rejected password is not retried. Default: no retry.")
    String wait;

    /**
     * Where to connect and how long to wait, from these options, the environment and the config.
     *
     * @param retryFor how long to retry connecting before giving up (zero: one attempt)
     */
    public record Connection(RedisTarget target, Duration timeout, Duration retryFor) {
    }

    /**
     * Resolves the connection, or fails with a usage error (exit 2) that names what is wrong.
     */
    public Connection resolve(picocli.CommandLine commandLine, SweeperConfig config) {
        try {
            Duration waitFor = wait == null ? Duration.ZERO : Durations.option("--wait", wait, ChronoUnit.SECONDS);
            return new Connection(target(System.getenv()), timeout(config), waitFor);
        } catch (IllegalArgumentException e) {
            throw new picocli.CommandLine.ParameterException(commandLine, e.getMessage());
        }
    }

    public RedisTarget target(Map<String, String> env) {
        Path ca = tlsCa;
        String caSource = "--tls-ca";
        if (ca == null && env.get(ENV_TLS_CA) != null && !env.get(ENV_TLS_CA).isBlank()) {
            ca = Path.of(env.get(ENV_TLS_CA));
            caSource = ENV_TLS_CA;
        }
        if (tlsCa != null && redisUrlIsPlain(env)) {
            throw new IllegalArgumentException("--tls-ca needs a rediss:// URL");
        }
        RedisTarget target = RedisTarget.resolve(redisUrl, env);
        try {
            target = target.withTlsCa(ca);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(caSource + ": " + e.getMessage());
        }
        target = target.withClientCertificate(tlsCert, tlsKey);
        if (passwordFile != null) {
            target = target.withPassword(readPassword(passwordFile, "--password-file"));
        }
        return withSentinels(target, env);
    }

    /** The target reached through the sentinels, when they are given (flag, else environment). */
    private RedisTarget withSentinels(RedisTarget target, Map<String, String> env) {
        List<String> addresses = sentinels;
        String addressSource = "--sentinel";
        if (addresses == null && !isBlank(env.get(ENV_SENTINELS))) {
            addresses = List.of(env.get(ENV_SENTINELS).split(","));
            addressSource = ENV_SENTINELS;
        }
        String master = masterName != null ? masterName : isBlank(env.get(ENV_MASTER_NAME)) ? null : env.get(ENV_MASTER_NAME);
        String masterSource = masterName != null ? "--master-name" : ENV_MASTER_NAME;
        if (addresses == null) {
            if (masterName != null) {
                throw new IllegalArgumentException("--master-name needs --sentinel");
            }
            if (sentinelPasswordFile != null) {
                throw new IllegalArgumentException("--sentinel-password-file needs --sentinel");
            }
            return target;
        }
        if (master == null) {
            throw new IllegalArgumentException(addressSource + " needs --master-name (or " + ENV_MASTER_NAME + ")");
        }
        if (master.isBlank() || master.chars().anyMatch(c -> c <= ' ')) {
            throw new IllegalArgumentException(masterSource + ": '" + master + "' is not a master name");
        }
        List<Sentinels.Address> parsed;
        try {
            parsed = Sentinels.parseAddresses(addresses);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(addressSource + ": " + e.getMessage());
        }
        String password = sentinelPasswordFile != null ? readPassword(sentinelPasswordFile, "--sentinel-password-file")
                : isBlank(env.get(ENV_SENTINEL_PASSWORD)) ? null : env.get(ENV_SENTINEL_PASSWORD);
        return target.withSentinels(new Sentinels(parsed, master, password));
    }

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }

    private boolean redisUrlIsPlain(Map<String, String> env) {
        try {
            return !RedisTarget.resolve(redisUrl, env).tls();
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** The first line of the file; never part of a message. */
    static String readPassword(Path file, String option) {
        if (Files.isDirectory(file) || !Files.isReadable(file)) {
            throw new IllegalArgumentException(option + ": cannot read " + file);
        }
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException | java.io.UncheckedIOException e) {
            throw new IllegalArgumentException(option + ": cannot read " + file);
        }
        int end = text.length();
        while (end > 0 && (text.charAt(end - 1) == '\n' || text.charAt(end - 1) == '\r')) {
            end--;
        }
        String password = text.substring(0, end);
        if (password.isEmpty()) {
            throw new IllegalArgumentException(option + ": " + file + " is empty");
        }
        if (password.indexOf('\n') >= 0 || password.indexOf('\r') >= 0) {
            throw new IllegalArgumentException(option + ": " + file + " has more than one line");
        }
        return password;
    }

    public Duration timeout(SweeperConfig config) {
        Duration d = timeout == null
                ? Durations.option("rq-sweeper.redis.timeout (RQ_SWEEPER_REDIS_TIMEOUT)", config.redis().timeout(), ChronoUnit.SECONDS)
                : Durations.option("--timeout", timeout, ChronoUnit.SECONDS);
        if (d.isZero()) {
            throw new IllegalArgumentException((timeout == null ? "rq-sweeper.redis.timeout" : "--timeout")
                    + ": must be longer than 0");
        }
        return d;
    }

    /**
     * With --wait: retries until Redis answers. When it never does, one warning says so and the command goes on to
     * meet the same outage (nothing changed; exit 0, 1 with --strict).
     */
    static void awaitRedis(io.rqsweeper.redis.RedisConnector connector, Connection redis, java.io.PrintWriter err) {
        if (redis.retryFor().isZero()) {
            return;
        }
        String problem = connector.waitUntilAnswering(redis.target(), redis.timeout(), redis.retryFor());
        if (problem != null && !problem.startsWith("authentication failed")) {
            err.println("rq-sweeper: warning: Redis did not answer within --wait " + Durations.text(redis.retryFor()));
            err.flush();
        }
    }
}
